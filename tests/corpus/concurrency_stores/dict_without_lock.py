"""A dict of rows shared by threads with no lock: two threads saving a new user both insert it."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import COLUMNS

EXPECT = Expect(
    fails={"CONC-THREADS-SAME-USER"},
)


class Store(DictTokenStore):
    tokenstore_concurrency = "threads"  # fault: claimed, with nothing to back it

    def _first(self, column: str, value: str):
        # Iterates over a copy, so another thread's insert cannot break the loop; a lookup
        # and the insert that follows it still are not one step.
        position = COLUMNS.index(column)
        return next((row for row in list(self._rows.values()) if row[position] == value), None)
