"""Looks a user up with one query, "the user's record, or else the record of the token's other key"."""

from __future__ import annotations

import copy

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import lookup_key

EXPECT = Expect(
    fails={"SAVE-USER-ONLY", "FIND-USER-ONLY"},
    lifecycle={"SAVE-USER-ONLY", "FIND-USER-ONLY", "SAVE-INSERT", "SAVE-ID-UNIQUE", "SAVE-USER-ISOLATION"},
)


class Store(SQLiteStore):
    def _matching_row(self, token):
        if token.get_id() is not None:
            row = self._select("id = ?", (token.get_id(),))
            if row is not None:
                return row
        key = lookup_key(token)
        if key is None:
            return None
        column, value = key
        anonymous = copy.copy(token)
        anonymous.set_user_signature(None)
        other = lookup_key(anonymous)
        if column != "user_name" or other is None:
            return self._select(f"{column} = ?", (value,))
        # fault: one round trip, the user's own record ranked first; for a user name no record has,
        # the OR hands back another user's record
        return self._select(
            f"user_name = ? OR {other[0]} = ? ORDER BY user_name = ? DESC", (value, other[1], value)
        )
