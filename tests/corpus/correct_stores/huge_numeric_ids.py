"""Ids are 31-digit decimal numbers from a counter, as from a database sequence."""

from __future__ import annotations

from support.corpus import Expect

from .dict_store import DictTokenStore

EXPECT = Expect()

FIRST_ID = 10**30


class Store(DictTokenStore):
    """Numbers far beyond 64 bits, kept as strings so nothing rounds or reorders them.

    A caller may choose an id itself, so the counter skips ids already taken.
    """

    def __init__(self) -> None:
        super().__init__()
        self._last = FIRST_ID

    def _new_id(self) -> str:
        self._last += 1
        while str(self._last) in self._rows:
            self._last += 1
        return str(self._last)
