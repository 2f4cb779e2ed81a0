"""delete_tokens commits a different connection from the one that deleted, so the delete is rolled back."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"DELETEALL-EMPTIES"},
    collateral={"DELETEALL-REUSABLE"},
)


class Store(SQLiteStore):
    """A file store; like the SDK guide's sample, delete_tokens opens its own connection."""

    tokenstore_persistent = True

    def delete_tokens(self):
        with closing(sqlite3.connect(self.database)) as connection:
            connection.execute("DELETE FROM oauthtoken")
            # fault: commits the store's long-lived connection; closing this one rolls the DELETE back
            self.db.commit()


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "zohooauth.db")
