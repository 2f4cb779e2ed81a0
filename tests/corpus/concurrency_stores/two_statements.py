"""An update writes the access token and expiry in one statement and the other fields in a second one.

The store keeps one in-memory SQLite database and a lock that each statement
takes on its own: between the two statements of an update, other threads read
and write a record that holds half of it.
"""

from __future__ import annotations

import sqlite3
import threading

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import row_from_token
from tokenstore_conformance.sdk import OAuthToken

from ._sqlite import SQLiteFileStore

EXPECT = Expect(
    fails={"CONC-THREADS-READ", "CONC-THREADS-SAME-USER"},
)

ACCESS = "UPDATE oauthtoken SET access_token = COALESCE(?, access_token), expiry_time = COALESCE(?, expiry_time) WHERE id = ?"
REST = (
    "UPDATE oauthtoken SET user_name = COALESCE(?, user_name), client_id = COALESCE(?, client_id),"
    " client_secret = COALESCE(?, client_secret), refresh_token = COALESCE(?, refresh_token),"
    " grant_token = COALESCE(?, grant_token), redirect_url = COALESCE(?, redirect_url),"
    " api_domain = COALESCE(?, api_domain) WHERE id = ?"
)


class LockedConnection:
    """Runs each statement under the store's lock, one statement at a time."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db, self._lock = db, lock

    def execute(self, sql: str, params=()):
        with self._lock:
            return _Rows(self._db.execute(sql, params).fetchall())


class _Rows(list):
    def fetchone(self):
        return self[0] if self else None


class Store(SQLiteFileStore):
    """Private to its instance, and written for a threaded server."""

    tokenstore_persistent = False
    tokenstore_concurrency = "threads"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        with self._lock:
            for statement in self.schema:
                self._db.execute(statement)

    def _connection(self):
        return _Held(LockedConnection(self._db, self._lock))

    def _transaction(self):
        return _Held(self._db, self._lock)

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._transaction() as db:
            stored = self._matching(db, token)
            if stored is None:
                self._insert(db, token)
                return
        if token.get_id() is None:
            token.set_id(stored[0])
        _, name, client_id, secret, refresh, access, grant, expiry, redirect, domain = row_from_token(token)
        with self._connection() as db:  # fault: two statements, the lock taken for each alone
            db.execute(ACCESS, (access, expiry, stored[0]))
            db.execute(REST, (name, client_id, secret, refresh, grant, redirect, domain, stored[0]))


class _Held:
    """A context manager that yields ``value``, holding ``lock`` (if any) meanwhile."""

    def __init__(self, value, lock=None) -> None:
        self._value, self._lock = value, lock

    def __enter__(self):
        if self._lock is not None:
            self._lock.acquire()
        return self._value

    def __exit__(self, *exc) -> None:
        if self._lock is not None:
            self._lock.release()
