"""delete_token deletes WHERE id LIKE id || '%', so deleting id 1 also deletes 10 and 11."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"DELETE-ONE"},
    collateral={"DELETE-UNKNOWN"},
)


class Store(SQLiteStore):
    def delete_token(self, id):
        with self.db:
            self.db.execute("DELETE FROM oauthtoken WHERE id LIKE ? || '%'", (id,))  # fault: a prefix match
