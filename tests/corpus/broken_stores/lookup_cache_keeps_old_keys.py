"""Remembers which record each looked-up key value named; deletes forget the ids, a save that changes a key keeps the old value."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, lookup_key

EXPECT = Expect(
    fails={"READ-AFTER-WRITE"},
    lifecycle={
        "READ-AFTER-WRITE",
        "FIND-MISS-NONE",
        "FIND-USER-ONLY",
        "FIND-PRECEDENCE",
        "SAVE-INSERT",
        "SAVE-ID-UNIQUE",
        "SAVE-USER-ISOLATION",
    },
)


class Store(DictTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._id_of: dict[tuple[str, str], str] = {}

    def _matching_row(self, token):
        row = self._rows.get(token.get_id()) if token.get_id() is not None else None
        if row is not None:
            return row
        key = lookup_key(token)
        if key is None:
            return None
        rid = self._id_of.get(key)
        if rid in self._rows:
            return self._rows[rid]
        row = self._first(*key)
        if row is not None:
            self._id_of[key] = row[ID]
        return row

    # fault: save_token leaves the map alone, so after a refresh (a new access or refresh token) or a
    # rename the old value still names the record

    def delete_token(self, id):
        super().delete_token(id)
        self._id_of = {key: rid for key, rid in self._id_of.items() if rid != id}

    def delete_tokens(self):
        super().delete_tokens()
        self._id_of.clear()
