"""find_token returns a new OAuthToken built from the record instead of filling the one passed in."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import token_from_row
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"FIND-SAME-OBJECT"},
    collateral={"FIND-FILL-NONE-ONLY", "FIND-PRECEDENCE"},
)


class Store(DictTokenStore):
    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        row = self._matching_row(token)
        return token_from_row(row) if row is not None else None  # fault: not the caller's object
