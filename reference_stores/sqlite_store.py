"""A TokenStore in an SQLite file: tokens survive restarts of the application."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager

from .sql import SQLTokenStore


class SQLiteTokenStore(SQLTokenStore):
    """Tokens in the table ``oauthtoken`` of an SQLite file.

    A connection is opened per operation, so one instance can be shared by
    threads and several processes can use one file; SQLite's locking and the
    ``BEGIN IMMEDIATE`` transactions keep them consistent.
    """

    # Two instances over one file see the same tokens: that is the point of a file.
    tokenstore_persistent = True
    tokenstore_concurrency = "processes"

    def __init__(self, path: str | os.PathLike[str] = "zohooauth.db") -> None:
        self.path = os.fspath(path)
        _create_owner_only(self.path)
        self._create_schema()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # isolation_level=None: transactions are begun explicitly, never implicitly.
        with closing(sqlite3.connect(self.path, isolation_level=None, timeout=30)) as connection:
            yield connection


def _create_owner_only(path: str) -> None:
    """Create the file readable by its owner only; tokens are credentials.

    SQLite gives its journal files the database file's permissions, so they
    are protected too. An existing file keeps the permissions it has.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)


def tmp_path_store(tmp_path) -> SQLiteTokenStore:
    """Factory for the kit: a file in a fresh directory for every test, so runs leave nothing behind."""
    return SQLiteTokenStore(tmp_path / "zohooauth.db")
