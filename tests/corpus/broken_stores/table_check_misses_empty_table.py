"""The constructor of the SDK guide's SQLite sample: it checks for its table by reading a row, so an empty table looks missing and CREATE TABLE fails on every later open."""

from __future__ import annotations

import os
import sqlite3

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"INSTANCE-REOPEN"},
)


class Store(SQLiteStore):
    tokenstore_persistent = True

    def __init__(self, database: str | os.PathLike[str]) -> None:
        self.database = os.fspath(database)
        self.db = self._connect()
        # fault: "is there a table?" answered by "is there a row?"; an empty table is created again
        try:
            exists = self.db.execute("SELECT id FROM oauthtoken LIMIT 1").fetchone() is not None
        except sqlite3.OperationalError:
            exists = False
        if not exists:
            with self.db:
                self.db.execute(self.schema[0].replace(" IF NOT EXISTS", ""))
                self.db.execute(self.schema[1])


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "zohooauth.db")
