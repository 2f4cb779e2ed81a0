"""Tokens in an SQLite file, a connection per call; subclasses change one step of ``save_token``.

Correct as it stands (``sqlite_immediate`` is this class): the whole
read-merge-write of a save is one ``BEGIN IMMEDIATE`` transaction, and a
unique index keeps one record per user name. Each broken variant moves one
step out of the transaction or drops one guard, the way such stores are
usually written.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager

from tokenstore_conformance.reference_stores.records import (
    COLUMNS,
    ID,
    Row,
    fill_token,
    lookup_key,
    merged_row,
    new_id,
    row_from_token,
    token_from_row,
)
from tokenstore_conformance.sdk import OAuthToken, TokenStore

SELECT = f"SELECT {', '.join(COLUMNS)} FROM oauthtoken"
INSERT = f"INSERT INTO oauthtoken ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
UPDATE = f"UPDATE oauthtoken SET {', '.join(c + ' = ?' for c in COLUMNS[1:])} WHERE id = ?"
KEY_COLUMNS = frozenset({"id", "user_name", "access_token", "grant_token", "refresh_token"})


class SQLiteFileStore(TokenStore):
    tokenstore_persistent = True
    tokenstore_concurrency = "processes"

    schema = (
        "CREATE TABLE IF NOT EXISTS oauthtoken (id TEXT PRIMARY KEY NOT NULL, user_name TEXT, client_id TEXT,"
        " client_secret TEXT, refresh_token TEXT, access_token TEXT, grant_token TEXT, expiry_time TEXT,"
        " redirect_url TEXT, api_domain TEXT)",
        "CREATE UNIQUE INDEX IF NOT EXISTS oauthtoken_user_name ON oauthtoken (user_name)",
    )

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        with self._transaction() as db:
            for statement in self.schema:
                db.execute(statement)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, isolation_level=None, timeout=30)) as db:
            yield db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @staticmethod
    def _select(db: sqlite3.Connection, column: str, value: str) -> Row | None:
        assert column in KEY_COLUMNS
        return db.execute(f"{SELECT} WHERE {column} = ? LIMIT 1", (value,)).fetchone()

    def _matching(self, db: sqlite3.Connection, token: OAuthToken) -> Row | None:
        if token.get_id() is not None:
            row = self._select(db, "id", token.get_id())
            if row is not None:
                return row
        key = lookup_key(token)
        return self._select(db, *key) if key else None

    # -- the steps of save_token that the variants change --------------------
    def _new_id(self, db: sqlite3.Connection) -> str:
        return new_id()

    def _insert(self, db: sqlite3.Connection, token: OAuthToken) -> None:
        if token.get_id() is None:
            token.set_id(self._new_id(db))
        db.execute(INSERT, row_from_token(token))

    def _update(self, db: sqlite3.Connection, stored: Row, token: OAuthToken) -> None:
        row = merged_row(stored, token)
        db.execute(UPDATE, (*row[1:], row[ID]))
        if token.get_id() is None:
            token.set_id(row[ID])

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._transaction() as db:
            stored = self._matching(db, token)
            if stored is None:
                self._insert(db, token)
            else:
                self._update(db, stored, token)

    # -- the rest ------------------------------------------------------------
    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        with self._connection() as db:
            row = self._matching(db, token)
        return fill_token(token, row) if row is not None else None

    def delete_token(self, id):
        with self._transaction() as db:
            db.execute("DELETE FROM oauthtoken WHERE id = ?", (id,))

    def get_tokens(self):
        with self._connection() as db:
            return [token_from_row(row) for row in db.execute(SELECT)]

    def delete_tokens(self):
        with self._transaction() as db:
            db.execute("DELETE FROM oauthtoken")

    def find_token_by_id(self, id):
        with self._connection() as db:
            row = self._select(db, "id", id)
        return token_from_row(row) if row is not None else None
