"""An SQLite file store that answers reads from a copy of the file it took when it was opened."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore

EXPECT = Expect(fails={"FLOW-PERSIST"})


class Store(SQLiteTokenStore):
    """Writes reach the file, but an instance never sees what another one wrote after it opened."""

    tokenstore_persistent = True

    def __init__(self, tmp_path) -> None:
        super().__init__(tmp_path / "zohooauth.db")
        self._cache = ListTokenStore()
        for token in super().get_tokens():
            self._cache.save_token(token)

    def save_token(self, token):
        super().save_token(token)
        self._cache.save_token(token)

    def delete_token(self, id):
        super().delete_token(id)
        self._cache.delete_token(id)

    def delete_tokens(self):
        super().delete_tokens()
        self._cache.delete_tokens()

    def find_token(self, token):
        return self._cache.find_token(token)

    def find_token_by_id(self, id):
        return self._cache.find_token_by_id(id)

    def get_tokens(self):
        return self._cache.get_tokens()
