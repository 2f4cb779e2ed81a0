"""Finds users through a user-name-to-list-position index that delete_token does not rebuild, so after a delete a user name points at the wrong row."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import COLUMNS

# Only a sequence shows the fault: the lifecycle test catches it and names one of ``lifecycle``.
EXPECT = Expect(
    fails={"LIFECYCLE"},
    lifecycle={
        "FIND-BY-USER",
        "FIND-MISS-NONE",
        "FIND-USER-ONLY",
        "SAVE-UPSERT-USER",
        "SAVE-INSERT",
        "SAVE-ID-UNIQUE",
    },
)


class Store(ListTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._position_of_user: dict[str, int] = {}

    def _index(self, column, value):
        if column != "user_name":
            return super()._index(column, value)
        position = self._position_of_user.get(value)
        return position if position is not None and position < len(self._rows) else None

    def save_token(self, token):
        with self._lock:
            super().save_token(token)
            for position, row in enumerate(self._rows):
                if row[COLUMNS.index("user_name")] is not None:
                    self._position_of_user.setdefault(row[COLUMNS.index("user_name")], position)

    def delete_tokens(self):
        with self._lock:
            super().delete_tokens()
            self._position_of_user = {}
