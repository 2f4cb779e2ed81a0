"""Each token is one JSON document in an SQLite file, looked up with json_extract."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import (
    COLUMNS,
    ID,
    fill_token,
    lookup_key,
    merged_row,
    new_id,
    row_from_token,
    token_from_row,
)
from tokenstore_conformance.sdk import OAuthToken, TokenStore

EXPECT = Expect()

KEYS = frozenset({"user_name", "access_token", "grant_token", "refresh_token"})


def _document(row) -> str:
    return json.dumps(dict(zip(COLUMNS, row, strict=False)), ensure_ascii=False)


def _row(document: str) -> tuple:
    values = json.loads(document)
    return tuple(values[column] for column in COLUMNS)


class JsonDocumentTokenStore(TokenStore):
    """A table ``tokens(id, body)`` in a file shared by every instance; WAL lets readers run beside a writer."""

    tokenstore_persistent = True
    tokenstore_concurrency = "processes"  # every call is one BEGIN IMMEDIATE transaction

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        with closing(sqlite3.connect(self.path, isolation_level=None, timeout=30)) as db:
            db.execute("PRAGMA journal_mode=WAL")  # not allowed inside a transaction
            db.execute("CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, body TEXT NOT NULL)")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, isolation_level=None, timeout=30)) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.rollback()
                raise
            db.commit()

    @staticmethod
    def _matching(db: sqlite3.Connection, token: OAuthToken) -> tuple | None:
        if token.get_id() is not None:
            found = db.execute("SELECT body FROM tokens WHERE id = ?", (token.get_id(),)).fetchone()
            if found is not None:
                return _row(found[0])
        key = lookup_key(token)
        if key is None:
            return None
        column, value = key
        assert column in KEYS
        found = db.execute(
            f"SELECT body FROM tokens WHERE json_extract(body, '$.{column}') = ? ORDER BY rowid LIMIT 1",
            (value,),
        ).fetchone()
        return _row(found[0]) if found is not None else None

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        with self._connect() as db:
            row = self._matching(db, token)
        return fill_token(token, row) if row is not None else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._connect() as db:
            row = self._matching(db, token)
            if row is None:
                if token.get_id() is None:
                    token.set_id(new_id())
                row = row_from_token(token)
                db.execute("INSERT INTO tokens (id, body) VALUES (?, ?)", (row[ID], _document(row)))
            else:
                row = merged_row(row, token)
                db.execute("UPDATE tokens SET body = ? WHERE id = ?", (_document(row), row[ID]))
                if token.get_id() is None:
                    token.set_id(row[ID])

    def delete_token(self, id):
        with self._connect() as db:
            db.execute("DELETE FROM tokens WHERE id = ?", (id,))

    def get_tokens(self):
        with self._connect() as db:
            return [
                token_from_row(_row(body)) for (body,) in db.execute("SELECT body FROM tokens ORDER BY rowid")
            ]

    def delete_tokens(self):
        with self._connect() as db:
            db.execute("DELETE FROM tokens")

    def find_token_by_id(self, id):
        with self._connect() as db:
            found = db.execute("SELECT body FROM tokens WHERE id = ?", (id,)).fetchone()
        return token_from_row(_row(found[0])) if found is not None else None


def make_store(tmp_path) -> JsonDocumentTokenStore:
    return JsonDocumentTokenStore(tmp_path / "tokens.db")
