"""Values have their quotes doubled by hand before being bound as parameters, so O'Brien is stored as O''Brien."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"ROUNDTRIP-HOSTILE"},
)


def _escape(value):
    return value.replace("'", "''") if isinstance(value, str) else value


class Store(SQLiteStore):
    def _encode(self, row):
        # fault: escaping for string-built SQL, kept after the statements became parameterised
        return tuple(_escape(value) for value in row)

    def _select(self, where, parameters):
        return super()._select(where, tuple(_escape(value) for value in parameters))
