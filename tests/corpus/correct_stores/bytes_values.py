"""Keeps every value as UTF-8 bytes and compares bytes: no case folding, normalisation or trimming anywhere."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import (
    COLUMNS,
    ID,
    fill_token,
    lookup_key,
    merged_row,
    new_id,
    row_from_token,
)
from tokenstore_conformance.sdk import OAuthToken, TokenStore

EXPECT = Expect()

Encoded = tuple  # a row with every value as bytes (or None), in records.COLUMNS order


def encode(value: str | None) -> bytes | None:
    # surrogatepass: a lone surrogate is still a distinct value, and comes back as it went in
    return value.encode("utf-8", "surrogatepass") if value is not None else None


def decode(value: bytes | None) -> str | None:
    return value.decode("utf-8", "surrogatepass") if value is not None else None


class Store(TokenStore):
    """Rows of bytes, as a store over a bytes-only backend (a key-value database, a file) holds them.

    Encoding is a bijection, so comparing bytes is comparing the strings code
    point by code point: two names that differ in any way stay two users. It
    takes no lock, so it declares that it is not to be shared between threads.
    """

    tokenstore_concurrency = "none"

    def __init__(self) -> None:
        self._rows: list[Encoded] = []

    def _index(self, column: str, value: str) -> int | None:
        position, wanted = COLUMNS.index(column), encode(value)
        return next((i for i, row in enumerate(self._rows) if row[position] == wanted), None)

    def _matching_index(self, token: OAuthToken) -> int | None:
        if token.get_id() is not None:
            index = self._index("id", token.get_id())
            if index is not None:
                return index
        key = lookup_key(token)
        return self._index(*key) if key else None

    def _row(self, index: int) -> tuple:
        return tuple(decode(value) for value in self._rows[index])

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        index = self._matching_index(token)
        return fill_token(token, self._row(index)) if index is not None else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        index = self._matching_index(token)
        if index is None:
            if token.get_id() is None:
                token.set_id(new_id())
            self._rows.append(tuple(encode(v) for v in row_from_token(token)))
            return
        row = merged_row(self._row(index), token)
        self._rows[index] = tuple(encode(v) for v in row)
        if token.get_id() is None:
            token.set_id(row[ID])

    def delete_token(self, id):
        wanted = encode(id)
        self._rows = [row for row in self._rows if row[ID] != wanted]

    def get_tokens(self):
        return [fill_token(OAuthToken(id=decode(row[ID])), self._row(i)) for i, row in enumerate(self._rows)]

    def delete_tokens(self):
        self._rows = []

    def find_token_by_id(self, id):
        index = self._index("id", id) if isinstance(id, str) else None
        return fill_token(OAuthToken(id=id), self._row(index)) if index is not None else None
