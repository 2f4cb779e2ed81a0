"""Records live in a class attribute, so every instance of the store shares them."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"INSTANCE-ISOLATION"},
)


class Store(DictTokenStore):
    _rows: dict = {}  # fault: one dict for the class, where each instance needs its own

    def __init__(self) -> None:
        pass  # the inherited __init__ would have given the instance its own dict
