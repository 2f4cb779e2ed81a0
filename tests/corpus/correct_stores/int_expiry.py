"""Keeps expires_in as an int inside (to compare expiry times) and hands it out as a string."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import COLUMNS, ID, Row, token_from_row
from tokenstore_conformance.sdk import OAuthToken

from .dict_store import DictTokenStore

EXPECT = Expect()

EXPIRY = COLUMNS.index("expiry_time")


def _to_int(row: Row) -> tuple:
    value = row[EXPIRY]
    # Only a value that str(int(...)) gives back unchanged may become an int.
    if isinstance(value, str) and value.isdigit() and str(int(value)) == value:
        return (*row[:EXPIRY], int(value), *row[EXPIRY + 1 :])
    return row


def _to_str(row: tuple) -> Row:
    value = row[EXPIRY]
    return (*row[:EXPIRY], str(value), *row[EXPIRY + 1 :]) if isinstance(value, int) else row


class Store(DictTokenStore):
    """Rows hold an int expiry; every row leaving the dict is converted back first.

    The conversion sits where rows cross the store's boundary, so the shared
    lookup and merge logic only ever sees string rows.
    """

    def _first(self, column, value):
        row = super()._first(column, value)
        return _to_str(row) if row is not None else None

    def _matching_row(self, token):
        row = super()._matching_row(token)
        return _to_str(row) if row is not None else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        matched = self._matching_row(token)
        super().save_token(token)
        record_id = matched[ID] if matched is not None else token.get_id()
        self._rows[record_id] = _to_int(self._rows[record_id])

    def get_tokens(self):
        return [token_from_row(_to_str(row)) for row in self._rows.values()]

    def find_token_by_id(self, id):
        row = self._rows.get(id)
        return token_from_row(_to_str(row)) if row is not None else None
