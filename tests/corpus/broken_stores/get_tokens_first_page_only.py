"""get_tokens returns the first page of ten rows, so a store with more tokens loses the rest."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SELECT, SQLiteStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import token_from_row

EXPECT = Expect(
    fails={"GET-ALL"},
    collateral={"CAPACITY", "SAVE-ID-UNIQUE"},
)
PAGE_SIZE = 10


class Store(SQLiteStore):
    def get_tokens(self):
        rows = self.db.execute(f"{SELECT} LIMIT ?", (PAGE_SIZE,))  # fault: no loop over the next pages
        return [token_from_row(self._decode(row)) for row in rows]
