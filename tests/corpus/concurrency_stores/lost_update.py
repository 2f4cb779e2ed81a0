"""A save reads the record, merges in memory, then writes the whole row in a later transaction."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.sdk import OAuthToken

from ._sqlite import SQLiteFileStore

EXPECT = Expect(
    fails={"CONC-PROC-UPDATE"},
)


class Store(SQLiteFileStore):
    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._connection() as db:  # fault: the row to merge into is read outside the write
            stored = self._matching(db, token)
        with self._transaction() as db:
            if stored is None:
                stored = self._matching(db, token)
                if stored is None:
                    self._insert(db, token)
                    return
            self._update(db, stored, token)  # writes every column from the earlier read


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "tokens.db")
