"""The refresh token is looked up before the user name and the access token: the wrong precedence."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import lookup_key

EXPECT = Expect(
    fails={"SAVE-PRECEDENCE", "FIND-PRECEDENCE"},
    collateral={"FIND-USER-ONLY", "SAVE-USER-ONLY"},
)


class Store(DictTokenStore):
    def _matching_row(self, token):
        row = self._rows.get(token.get_id()) if token.get_id() is not None else None
        if row is not None:
            return row
        # fault: "the refresh token is the most stable key", so it is tried first
        if token.get_refresh_token():
            row = self._first("refresh_token", token.get_refresh_token())
            if row is not None:
                return row
        key = lookup_key(token)
        return self._first(*key) if key else None
