"""get_tokens reads one page of 500 rows, the page size an admin screen used; past 500 users the listing omits some."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SELECT, SQLiteStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import token_from_row

EXPECT = Expect(
    fails={"CAPACITY"},
)


class Store(SQLiteStore):
    def get_tokens(self):
        # fault: a page size meant for a screen caps what the SDK (and delete_tokens callers) see
        return [token_from_row(self._decode(row)) for row in self.db.execute(SELECT + " LIMIT 500")]
