"""find_token with an unknown user name falls back to the tokens, finding another user's record."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import fill_token
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"FIND-USER-ONLY"},
    collateral={"FIND-MISS-NONE", "FIND-PRECEDENCE"},
)


class Store(DictTokenStore):
    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        row = self._rows.get(token.get_id()) if token.get_id() is not None else None
        signature = token.get_user_signature()
        if row is None and signature is not None and signature.get_name():
            row = self._first("user_name", signature.get_name())
        # fault: "try harder" - the user name should have decided alone, hit or miss
        for column in ("access_token", "grant_token", "refresh_token"):
            value = getattr(token, f"get_{column}")()
            if row is None and value:
                row = self._first(column, value)
        return fill_token(token, row) if row is not None else None
