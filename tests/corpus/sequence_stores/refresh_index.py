"""Keeps a refresh-token index that is written on insert only, so after a refresh hands out a new refresh token only the old one finds the record."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import COLUMNS, ID

# Only a sequence shows the fault: the lifecycle test catches it and names one of ``lifecycle``.
EXPECT = Expect(fails={"LIFECYCLE"}, lifecycle={"FIND-BY-REFRESH", "FIND-MISS-NONE"})


class Store(ListTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._id_of_refresh: dict[str, str] = {}

    def _index(self, column, value):
        if column != "refresh_token":
            return super()._index(column, value)
        rid = self._id_of_refresh.get(value)
        return super()._index("id", rid) if rid is not None else None

    def save_token(self, token):
        with self._lock:
            count = len(self._rows)
            super().save_token(token)
            if len(self._rows) > count:
                row = self._rows[-1]
                refresh = row[COLUMNS.index("refresh_token")]
                if refresh is not None:
                    self._id_of_refresh[refresh] = row[ID]

    def delete_tokens(self):
        with self._lock:
            super().delete_tokens()
            self._id_of_refresh = {}
