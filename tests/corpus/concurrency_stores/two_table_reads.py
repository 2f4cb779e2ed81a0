"""Access token and expiry live in a table of their own; a lookup reads the two tables in two statements.

Every save writes both tables in one transaction, so the storage never holds
a torn record, but a lookup that runs between another process's commit and
its own second statement assembles one from two saves.
"""

from __future__ import annotations

import sqlite3

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import (
    ID,
    Row,
    merged_row,
    row_from_token,
    token_from_row,
)
from tokenstore_conformance.sdk import OAuthToken

from ._sqlite import KEY_COLUMNS, SQLiteFileStore

EXPECT = Expect(
    fails={"CONC-THREADS-READ", "CONC-PROC-READ"},
)

CREDENTIALS = (
    "id",
    "user_name",
    "client_id",
    "client_secret",
    "refresh_token",
    "grant_token",
    "redirect_url",
    "api_domain",
)
UPSERT_ACCESS = "INSERT OR REPLACE INTO access (id, access_token, expiry_time) VALUES (?, ?, ?)"
UPSERT_CREDENTIALS = f"INSERT OR REPLACE INTO credentials ({', '.join(CREDENTIALS)}) VALUES ({', '.join('?' * len(CREDENTIALS))})"


class Store(SQLiteFileStore):
    schema = (
        "CREATE TABLE IF NOT EXISTS credentials (id TEXT PRIMARY KEY NOT NULL, user_name TEXT UNIQUE, client_id TEXT,"
        " client_secret TEXT, refresh_token TEXT, grant_token TEXT, redirect_url TEXT, api_domain TEXT)",
        "CREATE TABLE IF NOT EXISTS access (id TEXT PRIMARY KEY NOT NULL, access_token TEXT, expiry_time TEXT)",
    )

    @staticmethod
    def _select(db: sqlite3.Connection, column: str, value: str) -> Row | None:
        assert column in KEY_COLUMNS
        if column == "access_token":
            found = db.execute("SELECT id FROM access WHERE access_token = ? LIMIT 1", (value,)).fetchone()
            if found is None:
                return None
            column, value = "id", found[0]
        credentials = db.execute(
            f"SELECT {', '.join(CREDENTIALS)} FROM credentials WHERE {column} = ? LIMIT 1", (value,)
        ).fetchone()
        if credentials is None:
            return None
        # fault: a second statement, outside any transaction the first one was in
        access = db.execute(
            "SELECT access_token, expiry_time FROM access WHERE id = ?", (credentials[0],)
        ).fetchone()
        return _row(credentials, access or (None, None))

    def _write(self, db: sqlite3.Connection, row: Row) -> None:
        values = dict(
            zip(
                (
                    "id",
                    "user_name",
                    "client_id",
                    "client_secret",
                    "refresh_token",
                    "access_token",
                    "grant_token",
                    "expiry_time",
                    "redirect_url",
                    "api_domain",
                ),
                row,
                strict=False,
            )
        )
        db.execute(UPSERT_CREDENTIALS, tuple(values[c] for c in CREDENTIALS))
        db.execute(UPSERT_ACCESS, (values["id"], values["access_token"], values["expiry_time"]))

    def _insert(self, db: sqlite3.Connection, token: OAuthToken) -> None:
        if token.get_id() is None:
            token.set_id(self._new_id(db))
        self._write(db, row_from_token(token))

    def _update(self, db: sqlite3.Connection, stored: Row, token: OAuthToken) -> None:
        self._write(db, merged_row(stored, token))
        if token.get_id() is None:
            token.set_id(stored[ID])

    def get_tokens(self):
        with self._connection() as db:
            credentials = db.execute(f"SELECT {', '.join(CREDENTIALS)} FROM credentials").fetchall()
            access = {
                row[0]: row[1:] for row in db.execute("SELECT id, access_token, expiry_time FROM access")
            }
        return [token_from_row(_row(c, access.get(c[0], (None, None)))) for c in credentials]

    def delete_token(self, id):
        with self._transaction() as db:
            db.execute("DELETE FROM credentials WHERE id = ?", (id,))
            db.execute("DELETE FROM access WHERE id = ?", (id,))

    def delete_tokens(self):
        with self._transaction() as db:
            db.execute("DELETE FROM credentials")
            db.execute("DELETE FROM access")


def _row(credentials, access) -> Row:
    record_id, name, client_id, secret, refresh, grant, redirect, domain = credentials
    access_token, expiry = access
    return (record_id, name, client_id, secret, refresh, access_token, grant, expiry, redirect, domain)


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "tokens.db")
