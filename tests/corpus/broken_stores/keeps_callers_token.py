"""save_token keeps the caller's OAuthToken object itself, so later changes to it reach the store."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import (
    fill_token,
    lookup_key,
    new_id,
    row_from_token,
    token_from_row,
)
from tokenstore_conformance.sdk import OAuthToken, TokenStore

EXPECT = Expect(
    fails={"SAVE-COPY"},
)

# Getters and setters of the eight plain fields, for merging an update into a kept token.
FIELDS = (
    "client_id",
    "client_secret",
    "refresh_token",
    "access_token",
    "grant_token",
    "expires_in",
    "redirect_url",
    "api_domain",
)


class Store(TokenStore):
    def __init__(self) -> None:
        self._tokens: dict[str, OAuthToken] = {}

    def _matching(self, token):
        kept = self._tokens.get(token.get_id()) if token.get_id() is not None else None
        if kept is not None:
            return kept
        key = lookup_key(token)
        if key is None:
            return None
        column, value = key
        position = ("id", "user_name", *FIELDS).index(column)
        return next((t for t in self._tokens.values() if row_from_token(t)[position] == value), None)

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        kept = self._matching(token)
        return fill_token(token, row_from_token(kept)) if kept is not None else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        kept = self._matching(token)
        if kept is None:
            if token.get_id() is None:
                token.set_id(new_id())
            self._tokens[token.get_id()] = token  # fault: no copy
            return
        if token.get_user_signature() is not None:
            kept.set_user_signature(token.get_user_signature())
        for field in FIELDS:
            value = getattr(token, f"get_{field}")()
            if value is not None:
                getattr(kept, f"set_{field}")(value)
        if token.get_id() is None:
            token.set_id(kept.get_id())

    def delete_token(self, id):
        self._tokens.pop(id, None)

    def get_tokens(self):
        return [token_from_row(row_from_token(t)) for t in self._tokens.values()]

    def delete_tokens(self):
        self._tokens.clear()

    def find_token_by_id(self, id):
        kept = self._tokens.get(id)
        return token_from_row(row_from_token(kept)) if kept is not None else None
