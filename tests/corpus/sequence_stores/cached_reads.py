"""An SQLite file store that caches find_token_by_id per instance and clears the cache only on its own writes, so it misses another instance's."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import row_from_token, token_from_row
from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore

# Only a sequence shows the fault: the lifecycle test catches it and names one of ``lifecycle``.
EXPECT = Expect(fails={"LIFECYCLE"}, lifecycle={"INSTANCE-PERSIST"})


class CachedSQLiteTokenStore(SQLiteTokenStore):
    def __init__(self, path) -> None:
        super().__init__(path)
        self._by_id: dict = {}

    def find_token_by_id(self, id):
        if id not in self._by_id:
            found = super().find_token_by_id(id)
            self._by_id[id] = row_from_token(found) if found is not None else None
        row = self._by_id[id]
        return token_from_row(row) if row is not None else None

    def save_token(self, token):
        self._by_id = {}
        return super().save_token(token)

    def delete_token(self, id):
        self._by_id = {}
        return super().delete_token(id)

    def delete_tokens(self):
        self._by_id = {}
        return super().delete_tokens()


def Store(tmp_path) -> CachedSQLiteTokenStore:
    return CachedSQLiteTokenStore(tmp_path / "tokens.db")


Store.tokenstore_persistent = True
