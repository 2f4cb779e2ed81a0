"""A TokenStore in an SQLite ``:memory:`` database: fast, private, gone at exit."""

from __future__ import annotations

import sqlite3
import threading

from .sql import SQLTokenStore


class InMemoryTokenStore(SQLTokenStore):
    """Tokens in a private in-memory SQLite database, one per instance.

    A ``:memory:`` database lives and dies with its connection, so the store
    keeps one connection; a lock lets threads share it one at a time
    (``check_same_thread=False`` only lifts sqlite3's own guard). Plain
    ``:memory:`` is never shared between connections, unlike a shared-cache
    URI, so two instances cannot see each other's tokens.
    """

    def __init__(self) -> None:
        self._guard = threading.RLock()
        self._connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._create_schema()

    def _db(self) -> sqlite3.Connection:
        return self._connection

    def close(self) -> None:
        """Close the connection; the tokens are gone with it."""
        with self._guard:
            self._connection.close()
