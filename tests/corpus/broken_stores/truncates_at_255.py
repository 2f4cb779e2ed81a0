"""Values are cut to 255 characters to fit VARCHAR(255) columns, as MySQL does outside strict mode."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"ROUNDTRIP-LONG"},
    collateral={"USER-NAME-EXACT"},
)
WIDTH = 255


class Store(SQLiteStore):
    def _encode(self, row):
        # fault: the SDK guide's VARCHAR(255) columns; tokens of some data centres are longer
        return tuple(value[:WIDTH] if isinstance(value, str) else value for value in row)
