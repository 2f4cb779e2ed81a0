"""TokenStore logic for SQLite, shared by the file and the in-memory store.

Every statement is parameterised: token values come from users and from Zoho,
and a quote in one must never change what a query means. The only names in
SQL text are column names, and every statement is built once, at import, from
the fixed ``COLUMNS``: nothing is formatted into SQL at call time, and the
constant strings let ``sqlite3`` reuse its prepared statements (its per-connection
statement cache is keyed by the SQL text).

Every write runs in one ``BEGIN IMMEDIATE`` transaction, so looking up a record
and updating it cannot interleave with another writer's insert (no duplicates
under load).
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
    # Partial: lookups are ``column = ?``, which never matches NULL, so records without the
    # token need no entry, and saving them writes one index page fewer.
    "CREATE INDEX IF NOT EXISTS oauthtoken_access_token ON oauthtoken (access_token)"
    " WHERE access_token IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS oauthtoken_grant_token ON oauthtoken (grant_token) WHERE grant_token IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS oauthtoken_refresh_token ON oauthtoken (refresh_token)"
    " WHERE refresh_token IS NOT NULL",
)
SELECT = f"SELECT {', '.join(COLUMNS)} FROM oauthtoken"
INSERT = f"INSERT INTO oauthtoken ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
# SQLite rewrites the index entry of every indexed column an UPDATE sets, even to the value it
# had; a refresh changes only the access token and the expiry, so each indexed column is set by a
# statement of its own, run only when its value changes.
INDEXED = tuple(COLUMNS.index(c) for c in ("user_name", "refresh_token", "access_token", "grant_token"))
UNINDEXED = tuple(i for i in range(1, len(COLUMNS)) if i not in INDEXED)
UPDATE = f"UPDATE oauthtoken SET {', '.join(COLUMNS[i] + ' = ?' for i in UNINDEXED)} WHERE id = ?"
UPDATE_INDEXED = {i: f"UPDATE oauthtoken SET {COLUMNS[i]} = ? WHERE id = ?" for i in INDEXED}
DELETE = "DELETE FROM oauthtoken WHERE id = ?"
DELETE_ALL = "DELETE FROM oauthtoken"
# One statement per key column, written out here: no column name is ever formatted into SQL at
# call time, so a column that is not a key cannot reach a query, even under ``python -O``.
SELECT_BY = {
    column: f"{SELECT} WHERE {column} = ? LIMIT 1"
    for column in ("id", "user_name", "access_token", "grant_token", "refresh_token")
}


def select_one(connection: sqlite3.Connection, column: str, value: str) -> Row | None:
    """The record whose ``column`` equals ``value``, or None."""
    statement = SELECT_BY.get(column)
    if statement is None:  # a real check, not an assert: ``python -O`` removes asserts
        raise ValueError(f"tokens cannot be looked up by {column!r}; key columns are {sorted(SELECT_BY)}")
    return connection.execute(statement, (value,)).fetchone()


class SQLTokenStore(TokenStore):
    """The six methods over a table ``oauthtoken``; subclasses say where the connection comes from.

    A subclass sets ``self._guard``, a context manager held around every use of
    the connection (a lock when threads share one connection, ``nullcontext()``
    when each thread has its own), and implements ``_db()``, which returns the
    connection for the calling thread.
    """

    _guard: AbstractContextManager[object]

    def _db(self) -> sqlite3.Connection:
        raise NotImplementedError

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._guard:
            connection = self._db()
            if connection.in_transaction:  # left open by an interrupt between BEGIN and COMMIT
                connection.rollback()
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                connection.commit()
            except BaseException:
                connection.rollback()
                raise

    def _create_schema(self) -> None:
        with self._transaction() as connection:
            for statement in SCHEMA:
                connection.execute(statement)

    @staticmethod
    def _matching_row(connection: sqlite3.Connection, token: OAuthToken) -> Row | None:
        if token.get_id() is not None:
            row = select_one(connection, "id", token.get_id())
            if row is not None:
                return row
        key = lookup_key(token)
        return select_one(connection, *key) if key else None

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        with self._guard:
            row = self._matching_row(self._db(), token)
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
                    if row != stored:
                        connection.execute(UPDATE, (*(row[i] for i in UNINDEXED), row[ID]))
                        for i, statement in UPDATE_INDEXED.items():
                            if row[i] != stored[i]:
                                connection.execute(statement, (row[i], row[ID]))
                    if token.get_id() is None:
                        token.set_id(row[ID])
        except sqlite3.Error as exc:
            raise SDKException("TOKEN_STORE", "could not save the token", cause=exc) from exc

    def delete_token(self, id):
        with self._transaction() as connection:
            connection.execute(DELETE, (id,))

    def get_tokens(self):
        with self._guard:
            rows = self._db().execute(SELECT).fetchall()
        return [token_from_row(row) for row in rows]

    def delete_tokens(self):
        with self._transaction() as connection:
            connection.execute(DELETE_ALL)

    def find_token_by_id(self, id):
        with self._guard:
            row = select_one(self._db(), "id", id)
        return token_from_row(row) if row is not None else None
