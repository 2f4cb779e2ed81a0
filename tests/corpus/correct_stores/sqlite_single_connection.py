"""One sqlite3 connection per store, written the way a custom store usually is, with no ORM."""

from __future__ import annotations

import os
import sqlite3

from support.corpus import Expect

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

EXPECT = Expect()

SELECT = f"SELECT {', '.join(COLUMNS)} FROM oauthtoken"
INSERT = f"INSERT INTO oauthtoken ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
UPDATE = f"UPDATE oauthtoken SET {', '.join(c + ' = ?' for c in COLUMNS[1:])} WHERE id = ?"


class SQLiteStore(TokenStore):
    """The table ``oauthtoken`` of the SDK guide, in memory unless a file is named.

    Every statement is parameterised and every write commits or rolls back as
    one unit (``with self.db``). The small methods (``schema``, ``_encode``,
    ``_decode``, ``_new_id``, ``_insert``, ``_update``) are the places the
    broken stores in ``tests/corpus/broken_stores`` change, one fault each.
    """

    schema = (
        "CREATE TABLE IF NOT EXISTS oauthtoken (id TEXT PRIMARY KEY NOT NULL, user_name TEXT, client_id TEXT,"
        " client_secret TEXT, refresh_token TEXT, access_token TEXT, grant_token TEXT, expiry_time TEXT,"
        " redirect_url TEXT, api_domain TEXT)",
        "CREATE UNIQUE INDEX IF NOT EXISTS oauthtoken_user_name ON oauthtoken (user_name)",
    )
    # sqlite3 refuses a connection made in another thread; one thread at a time.
    tokenstore_concurrency = "none"

    def __init__(self, database: str | os.PathLike[str] = ":memory:") -> None:
        self.database = os.fspath(database)
        self.db = self._connect()
        with self.db:
            for statement in self.schema:
                self.db.execute(statement)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.database)

    def _encode(self, row: Row) -> Row:
        """The row as it is written to the table."""
        return row

    def _decode(self, row: Row) -> Row:
        """A row read from the table, as the rest of the store sees it."""
        return tuple(row)

    def _new_id(self) -> str:
        return new_id()

    def _select(self, where: str, parameters: tuple) -> Row | None:
        found = self.db.execute(f"{SELECT} WHERE {where} LIMIT 1", parameters).fetchone()
        return self._decode(found) if found is not None else None

    def _matching_row(self, token: OAuthToken) -> Row | None:
        if token.get_id() is not None:
            row = self._select("id = ?", (token.get_id(),))
            if row is not None:
                return row
        key = lookup_key(token)
        if key is None:
            return None
        column, value = key  # a column name from lookup_key, never from the token
        return self._select(f"{column} = ?", (value,))

    def _insert(self, row: Row) -> None:
        self.db.execute(INSERT, self._encode(row))

    def _update(self, stored: Row, row: Row) -> None:
        encoded = self._encode(row)
        self.db.execute(UPDATE, (*encoded[1:], stored[ID]))

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        row = self._matching_row(token)
        return fill_token(token, row) if row is not None else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self.db:
            stored = self._matching_row(token)
            if stored is None:
                if token.get_id() is None:
                    token.set_id(self._new_id())
                self._insert(row_from_token(token))
            else:
                self._update(stored, merged_row(stored, token))
                if token.get_id() is None:
                    token.set_id(stored[ID])

    def delete_token(self, id):
        with self.db:
            self.db.execute("DELETE FROM oauthtoken WHERE id = ?", (id,))

    def get_tokens(self):
        return [token_from_row(self._decode(row)) for row in self.db.execute(SELECT)]

    def delete_tokens(self):
        with self.db:
            self.db.execute("DELETE FROM oauthtoken")

    def find_token_by_id(self, id):
        row = self._select("id = ?", (id,))
        return token_from_row(row) if row is not None else None


Store = SQLiteStore
