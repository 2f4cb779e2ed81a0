"""A TokenStore in plain Python lists: the contract without any SQL."""

from __future__ import annotations

import threading

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


class ListTokenStore(TokenStore):
    """Each record is one row tuple in ``self._rows``, in ``records.COLUMNS`` order.

    The list is created in ``__init__``: a class-level list would be shared by
    every instance and leak one user's tokens into another's store. Rows are
    immutable tuples and every read builds new tokens, so nothing the caller
    does to a returned token reaches the store without save_token.

    Every lookup scans the list, so its cost grows with the number of tokens:
    find_token by user name took 5 us with 100 tokens, 23 us with 1,000 and
    230 us with 10,000, and a save twice that, as it also scans for a clash of
    user names (docs/performance.md). An index (a dict per key column) would
    make lookups constant, but it is a second structure to keep in step with
    the rows on every save and delete, and this store exists to show the
    contract with nothing else in the way. Use the SQLite stores for more
    than a few hundred users.
    """

    def __init__(self) -> None:
        self._rows: list[Row] = []
        self._lock = threading.RLock()

    def _index(self, column: str, value: str) -> int | None:
        position = COLUMNS.index(column)
        return next((i for i, row in enumerate(self._rows) if row[position] == value), None)

    def _matching_index(self, token: OAuthToken) -> int | None:
        if token.get_id() is not None:
            index = self._index("id", token.get_id())
            if index is not None:
                return index
        key = lookup_key(token)
        return self._index(*key) if key else None

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        with self._lock:
            index = self._matching_index(token)
            return fill_token(token, self._rows[index]) if index is not None else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._lock:
            index = self._matching_index(token)
            row = row_from_token(token) if index is None else merged_row(self._rows[index], token)
            other = self._index("user_name", row[1]) if row[1] is not None else None
            if other is not None and other != index:
                raise SDKException("TOKEN_STORE", f"another record already has the user name {row[1]!r}")
            if index is None:
                if token.get_id() is None:
                    token.set_id(new_id())
                self._rows.append(row_from_token(token))
            else:
                self._rows[index] = row
                if token.get_id() is None:
                    token.set_id(row[ID])

    def delete_token(self, id):
        with self._lock:
            self._rows = [row for row in self._rows if row[ID] != id]

    def get_tokens(self):
        with self._lock:
            return [token_from_row(row) for row in self._rows]

    def delete_tokens(self):
        with self._lock:
            self._rows = []

    def find_token_by_id(self, id):
        with self._lock:
            index = self._index("id", id)
            return token_from_row(self._rows[index]) if index is not None else None
