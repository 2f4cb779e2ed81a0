"""Caches find_token_by_id results and drops a cached record only when a save names its id, not when a user name or token matches it."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import token_from_row

# The lifecycle test catches the fault and names one of ``lifecycle``. A one-step clause test
# written after the store (the warm-cache test, which reads by id just before a write) catches
# it too; the lifecycle test must go on catching it all the same.
EXPECT = Expect(fails={"LIFECYCLE", "READ-AFTER-WRITE"}, lifecycle={"BYID-HIT"})


class Store(ListTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._by_id: dict = {}

    def find_token_by_id(self, id):
        with self._lock:
            if id not in self._by_id:
                index = self._index("id", id)
                if index is None:
                    return None
                self._by_id[id] = self._rows[index]
            return token_from_row(self._by_id[id])

    def save_token(self, token):
        with self._lock:
            rid = getattr(token, "get_id", lambda: None)()
            self._by_id.pop(rid, None)
            super().save_token(token)

    def delete_token(self, id):
        with self._lock:
            self._by_id.pop(id, None)
            super().delete_token(id)

    def delete_tokens(self):
        with self._lock:
            self._by_id = {}
            super().delete_tokens()
