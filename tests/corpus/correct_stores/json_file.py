"""Tokens in one JSON file, read on every call and replaced atomically on every write."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

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


class JsonFileTokenStore(TokenStore):
    """A list of row lists in a file; the file is the only state, so instances share it.

    Writes go to a temporary file in the same directory that then replaces the
    old one, so a crash mid-write never leaves half a file behind.
    """

    tokenstore_persistent = True
    tokenstore_concurrency = "none"  # read, change, write back, with nothing held in between

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if not self.path.exists():
            self._write([])

    def _read(self) -> list[Row]:
        return [tuple(row) for row in json.loads(self.path.read_text(encoding="utf-8"))]

    def _write(self, rows: list[Row]) -> None:
        fd, scratch = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump([list(row) for row in rows], out, ensure_ascii=False)
        os.replace(scratch, self.path)

    @staticmethod
    def _index(rows: list[Row], token: OAuthToken) -> int | None:
        def first(column: str, value: str) -> int | None:
            position = COLUMNS.index(column)
            return next((i for i, row in enumerate(rows) if row[position] == value), None)

        if token.get_id() is not None:
            index = first("id", token.get_id())
            if index is not None:
                return index
        key = lookup_key(token)
        return first(*key) if key else None

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        rows = self._read()
        index = self._index(rows, token)
        return fill_token(token, rows[index]) if index is not None else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        rows = self._read()
        index = self._index(rows, token)
        if index is None:
            if token.get_id() is None:
                token.set_id(new_id())
            rows.append(row_from_token(token))
        else:
            rows[index] = merged_row(rows[index], token)
            if token.get_id() is None:
                token.set_id(rows[index][ID])
        self._write(rows)

    def delete_token(self, id):
        self._write([row for row in self._read() if row[ID] != id])

    def get_tokens(self):
        return [token_from_row(row) for row in self._read()]

    def delete_tokens(self):
        self._write([])

    def find_token_by_id(self, id):
        row = next((row for row in self._read() if row[ID] == id), None)
        return token_from_row(row) if row is not None else None


def make_store(tmp_path) -> JsonFileTokenStore:
    return JsonFileTokenStore(tmp_path / "tokens.json")
