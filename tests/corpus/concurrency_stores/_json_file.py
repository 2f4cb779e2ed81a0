"""Tokens as a JSON list of rows in one file; subclasses choose how it is locked and written.

The methods follow ``tokenstore_conformance.reference_stores.records`` (key order, merging, filling
tokens in place), so every store built on this class passes the single-threaded
clauses; only ``_writing``, ``_reading`` and ``_store`` differ between them.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


class JsonFileStore(TokenStore):
    """Reads the whole file for every call and writes it whole for every change."""

    tokenstore_persistent = True

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        with self._writing():
            if not self.path.exists():
                self._store([])

    # -- what the variants change ------------------------------------------
    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Held around every read-modify-write."""
        yield

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Held around every read-only call."""
        yield

    def _store(self, rows: list[Row]) -> None:
        """Write a temporary file and rename it over the old one: readers see one or the other."""
        fd, scratch = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump([list(row) for row in rows], out)
        os.replace(scratch, self.path)

    def _load(self) -> list[Row]:
        with open(self.path, encoding="utf-8") as source:
            return [tuple(row) for row in json.load(source)]

    # -- the six methods -----------------------------------------------------
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
        with self._reading():
            rows = self._load()
        index = self._index(rows, token)
        return fill_token(token, rows[index]) if index is not None else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._writing():
            rows = self._load()
            index = self._index(rows, token)
            if index is None:
                if token.get_id() is None:
                    token.set_id(new_id())
                rows.append(row_from_token(token))
            else:
                rows[index] = merged_row(rows[index], token)
                if token.get_id() is None:
                    token.set_id(rows[index][ID])
            self._store(rows)

    def delete_token(self, id):
        with self._writing():
            self._store([row for row in self._load() if row[ID] != id])

    def get_tokens(self):
        with self._reading():
            rows = self._load()
        return [token_from_row(row) for row in rows]

    def delete_tokens(self):
        with self._writing():
            self._store([])

    def find_token_by_id(self, id):
        with self._reading():
            row = next((row for row in self._load() if row[ID] == id), None)
        return token_from_row(row) if row is not None else None
