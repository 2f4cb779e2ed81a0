"""TokenStore logic for SQLite, shared by the file and the in-memory store.

Every statement is parameterised: token values come from users and from Zoho,
and a quote in one must never change what a query means. Every write runs in
one ``BEGIN IMMEDIATE`` transaction, so looking up a record and updating it
cannot interleave with another writer's insert (no duplicates under load).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from tokenstore_conformance.sdk import OAuthToken, SDKException, TokenStore

from .records import (
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

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS oauthtoken ("
    " id TEXT PRIMARY KEY NOT NULL, user_name TEXT, client_id TEXT, client_secret TEXT,"
    " refresh_token TEXT, access_token TEXT, grant_token TEXT, expiry_time TEXT,"
    " redirect_url TEXT, api_domain TEXT)",
    # Unique: two records for one user would leave the SDK picking one at random.
    "CREATE UNIQUE INDEX IF NOT EXISTS oauthtoken_user_name ON oauthtoken (user_name)",
    "CREATE INDEX IF NOT EXISTS oauthtoken_access_token ON oauthtoken (access_token)",
    "CREATE INDEX IF NOT EXISTS oauthtoken_grant_token ON oauthtoken (grant_token)",
    "CREATE INDEX IF NOT EXISTS oauthtoken_refresh_token ON oauthtoken (refresh_token)",
)
SELECT = f"SELECT {', '.join(COLUMNS)} FROM oauthtoken"
INSERT = f"INSERT INTO oauthtoken ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
UPDATE = f"UPDATE oauthtoken SET {', '.join(c + ' = ?' for c in COLUMNS[1:])} WHERE id = ?"
# One statement per key column, written out here: no column name is ever formatted into SQL at
# call time, so a column that is not a key cannot reach a query, even under ``python -O``.
SELECT_BY = {
    column: f"{SELECT} WHERE {column} = ? LIMIT 1"
    for column in ("id", "user_name", "access_token", "grant_token", "refresh_token")
}


class SQLTokenStore(TokenStore):
    """The six methods over a table ``oauthtoken``; subclasses say how to connect."""

    def _connection(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    def _create_schema(self) -> None:
        with self._transaction() as connection:
            for statement in SCHEMA:
                connection.execute(statement)

    @staticmethod
    def _select_one(connection: sqlite3.Connection, column: str, value: str) -> Row | None:
        return connection.execute(SELECT_BY[column], (value,)).fetchone()

    def _matching_row(self, connection: sqlite3.Connection, token: OAuthToken) -> Row | None:
        if token.get_id() is not None:
            row = self._select_one(connection, "id", token.get_id())
            if row is not None:
                return row
        key = lookup_key(token)
        return self._select_one(connection, *key) if key else None

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        with self._connection() as connection:
            row = self._matching_row(connection, token)
        return fill_token(token, row) if row is not None else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        try:
            with self._transaction() as connection:
                stored = self._matching_row(connection, token)
                if stored is None:
                    if token.get_id() is None:
                        token.set_id(new_id())
                    connection.execute(INSERT, row_from_token(token))
                else:
                    row = merged_row(stored, token)
                    connection.execute(UPDATE, (*row[1:], row[ID]))
                    if token.get_id() is None:
                        token.set_id(row[ID])
        except sqlite3.Error as exc:
            raise SDKException("TOKEN_STORE", "could not save the token", cause=exc) from exc

    def delete_token(self, id):
        with self._transaction() as connection:
            connection.execute("DELETE FROM oauthtoken WHERE id = ?", (id,))

    def get_tokens(self):
        with self._connection() as connection:
            return [token_from_row(row) for row in connection.execute(SELECT)]

    def delete_tokens(self):
        with self._transaction() as connection:
            connection.execute("DELETE FROM oauthtoken")

    def find_token_by_id(self, id):
        with self._connection() as connection:
            row = self._select_one(connection, "id", id)
        return token_from_row(row) if row is not None else None
