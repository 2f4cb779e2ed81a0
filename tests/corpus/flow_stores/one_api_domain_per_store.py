"""Keeps one api_domain for the whole store, "the application's data centre", taken from the last save."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(fails={"FLOW-DC"})


class Store(ListTokenStore):
    """Every read answers with the domain of the last save that named one, whichever user it was,
    so once a user of another data centre signs in, every user is sent there."""

    def __init__(self) -> None:
        super().__init__()
        self._domain: str | None = None

    def _with_domain(self, token):
        if token is not None and self._domain is not None:
            token.set_api_domain(self._domain)
        return token

    def save_token(self, token):
        super().save_token(token)
        if isinstance(token, OAuthToken) and token.get_api_domain() is not None:
            self._domain = token.get_api_domain()

    def find_token(self, token):
        if isinstance(token, OAuthToken):
            token.set_api_domain(None)
        return self._with_domain(super().find_token(token))

    def find_token_by_id(self, id):
        return self._with_domain(super().find_token_by_id(id))

    def get_tokens(self):
        return [self._with_domain(token) for token in super().get_tokens()]

    def delete_tokens(self):
        super().delete_tokens()
        self._domain = None
