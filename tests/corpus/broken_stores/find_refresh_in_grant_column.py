"""find_token looks a refresh token up in the grant_token column, a copy-paste slip from the grant branch."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import fill_token, lookup_key
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"FIND-BY-REFRESH"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"CAPACITY", "FIND-PRECEDENCE", "FIND-SAME-OBJECT"},
)


class Store(SQLiteStore):
    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        key = lookup_key(token)
        if token.get_id() is None and key is not None and key[0] == "refresh_token":
            row = self._select("grant_token = ?", (key[1],))  # fault: should be refresh_token
            return fill_token(token, row) if row is not None else None
        return super().find_token(token)
