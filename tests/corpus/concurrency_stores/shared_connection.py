"""One sqlite3 connection per store, opened with check_same_thread=False and shared by threads with no lock.

Each save is a proper ``BEGIN IMMEDIATE`` transaction, but a transaction
belongs to the connection, not to the thread: a second thread's BEGIN lands
inside the first one's transaction and fails.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from support.corpus import Expect

from ._sqlite import SQLiteFileStore

EXPECT = Expect(
    fails={"CONC-THREADS-DISTINCT", "CONC-THREADS-SAME-USER", "CONC-THREADS-READ"},
)


class Store(SQLiteFileStore):
    tokenstore_concurrency = "threads"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        # fault: sqlite3 stops checking threads, nothing else; every thread gets this one connection
        self._db = sqlite3.connect(os.fspath(path), isolation_level=None, timeout=30, check_same_thread=False)
        super().__init__(path)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        yield self._db


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "tokens.db")
