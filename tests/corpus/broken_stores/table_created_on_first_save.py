"""The table is created by the first save_token, so get_tokens on a new store raises 'no such table'."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"GET-EMPTY"},
    blocked={"INSTANCE-ISOLATION"},
    collateral={"BYID-MISS", "DELETE-UNKNOWN", "DELETEALL-EMPTIES", "FIND-MISS-NONE"},
    # The kit's start-up check calls get_tokens on a fresh store; it raises, so the kit
    # refuses to run unless --tokenstore-allow-existing is given.
    refused_without_allow_existing=True,
)


class Store(SQLiteStore):
    schema = ()  # fault: the constructor no longer creates the table

    def save_token(self, token):
        with self.db:
            for statement in SQLiteStore.schema:
                self.db.execute(statement)
        super().save_token(token)
