"""Columns are NOT NULL DEFAULT '', so a field that was None comes back as an empty string."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"ROUNDTRIP-FIELDS"},
    collateral={
        "FIND-BY-ACCESS",
        "GET-ALL",
        "SAVE-UPSERT-ACCESS",
        "SAVE-UPSERT-GRANT",
        "SAVE-UPSERT-REFRESH",
    },
)


class Store(SQLiteStore):
    schema = (
        "CREATE TABLE oauthtoken (id TEXT PRIMARY KEY NOT NULL, user_name TEXT NOT NULL DEFAULT '',"
        " client_id TEXT NOT NULL DEFAULT '', client_secret TEXT NOT NULL DEFAULT '',"
        " refresh_token TEXT NOT NULL DEFAULT '', access_token TEXT NOT NULL DEFAULT '',"
        " grant_token TEXT NOT NULL DEFAULT '', expiry_time TEXT NOT NULL DEFAULT '',"
        " redirect_url TEXT NOT NULL DEFAULT '', api_domain TEXT NOT NULL DEFAULT '')",
    )

    def _encode(self, row):
        return tuple("" if value is None else value for value in row)  # fault: None and '' become one
