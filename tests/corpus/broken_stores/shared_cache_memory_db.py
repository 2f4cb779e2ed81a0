"""Every instance opens the same shared-cache in-memory database, so instances see each other's tokens."""

from __future__ import annotations

import sqlite3

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"INSTANCE-ISOLATION"},
)


class Store(SQLiteStore):
    def _connect(self):
        # fault: a named shared-cache database lives as long as any connection to it, across instances
        return sqlite3.connect("file:tokenstore?mode=memory&cache=shared", uri=True)
