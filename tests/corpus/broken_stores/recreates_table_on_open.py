"""A file store declared persistent that drops and recreates its table whenever an instance opens it."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"INSTANCE-PERSIST"},
)


class Store(SQLiteStore):
    tokenstore_persistent = True

    # fault: "start from a clean schema" wipes what the previous run of the application saved
    schema = ("DROP TABLE IF EXISTS oauthtoken", *SQLiteStore.schema)


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "zohooauth.db")
