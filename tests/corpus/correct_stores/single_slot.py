"""One user's tokens in one slot of variables, as a store kept in environment variables is.

The store holds at most one record, one variable per field (``ZOHO_ACCESS_TOKEN``
and so on, absent for a field that is None), and declares
``tokenstore_single_user = True``. A token that names the record updates it; any
other token takes the slot whole, as a new login replaces the variables of the
last one. The variables live in the instance, not in ``os.environ``, so that
two instances (and the kit's tests) do not share them.
"""

from __future__ import annotations

import threading

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

VARIABLES = tuple(f"ZOHO_{column.upper()}" for column in COLUMNS)


class SingleSlotTokenStore(TokenStore):
    """Every method holds one lock: a slot of several variables is read and written as a whole."""

    tokenstore_single_user = True
    tokenstore_concurrency = "threads"

    def __init__(self) -> None:
        self._environ: dict[str, str] = {}
        self._lock = threading.Lock()

    def _row(self) -> Row | None:
        if VARIABLES[ID] not in self._environ:
            return None
        return tuple(self._environ.get(name) for name in VARIABLES)

    def _write(self, row: Row) -> None:
        self._environ = {
            name: value for name, value in zip(VARIABLES, row, strict=False) if value is not None
        }

    @staticmethod
    def _names(token: OAuthToken, row: Row) -> bool:
        """Whether the token names the record in the slot: by its id, else by the first key that applies."""
        if token.get_id() is not None and token.get_id() == row[ID]:
            return True
        key = lookup_key(token)
        return key is not None and row[COLUMNS.index(key[0])] == key[1]

    def _held_for(self, token: OAuthToken) -> Row | None:
        row = self._row()
        return row if row is not None and self._names(token, row) else None

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        with self._lock:
            row = self._held_for(token)
        return fill_token(token, row) if row is not None else None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._lock:
            row = self._held_for(token)
            if row is not None:
                self._write(merged_row(row, token))
                if token.get_id() is None:
                    token.set_id(row[ID])
                return
            # Another user, or a first login: the new token takes the slot whole.
            if token.get_id() is None:
                token.set_id(new_id())
            self._write(row_from_token(token))

    def delete_token(self, id):
        with self._lock:
            row = self._row()
            if row is not None and row[ID] == id:
                self._environ = {}

    def get_tokens(self):
        with self._lock:
            row = self._row()
        return [] if row is None else [token_from_row(row)]

    def delete_tokens(self):
        with self._lock:
            self._environ = {}

    def find_token_by_id(self, id):
        with self._lock:
            row = self._row()
        return token_from_row(row) if row is not None and row[ID] == id else None


Store = SingleSlotTokenStore
