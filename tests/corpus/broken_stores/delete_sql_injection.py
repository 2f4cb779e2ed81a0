"""delete_token formats the id into its SQL, so the id ' or '1'='1 deletes every record."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"DELETE-UNKNOWN"},
)


class Store(SQLiteStore):
    def delete_token(self, id):
        with self.db:
            self.db.execute(f"DELETE FROM oauthtoken WHERE id = '{id}'")  # fault: not a parameter
