"""Rows in a plain dict keyed by id: the design most custom stores start from."""

from __future__ import annotations

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

# What a record can be matched by: the token's id, then whichever of these ``lookup_key`` picks.
MATCH_KEYS = ("id", "user_name", "access_token", "grant_token", "refresh_token")

EXPECT = Expect()


class DictTokenStore(TokenStore):
    """Each record is an immutable row tuple in ``records.COLUMNS`` order, under its id.

    Most broken stores in ``tests/corpus/broken_stores`` start from this class and
    change one method, so the fault each of them adds is the only difference
    from a store that passes every clause.
    """

    # Nothing here is locked: one thread at a time (``locked.py`` is the variant for threads).
    tokenstore_concurrency = "none"
    # The keys find_token and save_token match a record by. A one-key mutant in
    # tests/corpus/broken_stores leaves one out of either, as a store that never wrote that branch does.
    find_by: tuple[str, ...] = MATCH_KEYS
    save_by: tuple[str, ...] = MATCH_KEYS

    def __init__(self) -> None:
        self._rows: dict[str, Row] = {}

    def _new_id(self) -> str:
        return new_id()

    def _first(self, column: str, value: str) -> Row | None:
        position = COLUMNS.index(column)
        return next((row for row in self._rows.values() if row[position] == value), None)

    def _matching_row(self, token: OAuthToken) -> Row | None:
        """The record the token names: its id if stored, else the first key of ``lookup_key``."""
        return self._row_by(token, MATCH_KEYS)

    def _row_by(self, token: OAuthToken, keys: tuple[str, ...]) -> Row | None:
        """``_matching_row`` looking only at ``keys``: a key left out is never matched by."""
        row = self._rows.get(token.get_id()) if "id" in keys and token.get_id() is not None else None
        if row is not None:
            return row
        key = lookup_key(token)
        return self._first(*key) if key and key[0] in keys else None

    def _lookup(self, token: OAuthToken, keys: tuple[str, ...]) -> Row | None:
        # Through _matching_row while every key is looked at, so that a subclass replacing it is used.
        return self._matching_row(token) if set(keys) >= set(MATCH_KEYS) else self._row_by(token, keys)

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        row = self._lookup(token, self.find_by)
        return fill_token(token, row) if row is not None else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        row = self._lookup(token, self.save_by)
        if row is None:
            if token.get_id() is None:
                token.set_id(self._new_id())
            self._rows[token.get_id()] = row_from_token(token)
        else:
            self._rows[row[ID]] = merged_row(row, token)
            if token.get_id() is None:
                token.set_id(row[ID])

    def delete_token(self, id):
        self._rows.pop(id, None)

    def get_tokens(self):
        return [token_from_row(row) for row in self._rows.values()]

    def delete_tokens(self):
        self._rows.clear()

    def find_token_by_id(self, id):
        row = self._rows.get(id)
        return token_from_row(row) if row is not None else None


Store = DictTokenStore
