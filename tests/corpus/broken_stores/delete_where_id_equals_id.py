"""delete_token's WHERE compares the column with itself (id = id), so it deletes every record."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"DELETE-ONE", "DELETE-UNKNOWN"},
    collateral={"CAPACITY"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"SAVE-ID-UNIQUE"},
)


class Store(SQLiteStore):
    def delete_token(self, id):
        with self.db:
            # fault: the named parameter lost its colon, so "id" is the column, not the argument
            self.db.execute("DELETE FROM oauthtoken WHERE id = id", {"id": id})
