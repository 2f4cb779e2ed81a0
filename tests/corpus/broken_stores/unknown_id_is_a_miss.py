"""find_token returns None when the token's id is unknown instead of falling through to the user name."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import fill_token
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"FIND-PRECEDENCE"},
)


class Store(DictTokenStore):
    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        if token.get_id() is not None:
            row = self._rows.get(token.get_id())  # fault: an unknown id ends the lookup
            return fill_token(token, row) if row is not None else None
        return super().find_token(token)
