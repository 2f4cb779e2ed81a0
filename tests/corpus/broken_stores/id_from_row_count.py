"""New ids are the number of records plus one, so an id is given out again after a delete."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"SAVE-ID-UNIQUE"},
)


class Store(DictTokenStore):
    def _new_id(self) -> str:
        return str(len(self._rows) + 1)  # fault: counts rows instead of remembering the last id
