"""Lookups match keys with LIKE, so '_' and '%' (and letter case) match other values."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import lookup_key

EXPECT = Expect(
    fails={"ROUNDTRIP-HOSTILE"},
    collateral={"SAVE-USER-ISOLATION", "USER-NAME-EXACT"},
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
        return self._select(f"{column} LIKE ?", (value,))  # fault: LIKE where = was meant
