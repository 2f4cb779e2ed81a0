"""find_token builds its WHERE clause by string concatenation, as the SDK guide's sample does."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SELECT, SQLiteStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import lookup_key

EXPECT = Expect(
    fails={"ROUNDTRIP-HOSTILE"},
    collateral={"FIND-MISS-NONE"},
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
        # fault: a quote in the value ends the string literal early
        found = self.db.execute(SELECT + " where " + column + "='" + value + "' limit 1").fetchone()
        return self._decode(found) if found is not None else None
