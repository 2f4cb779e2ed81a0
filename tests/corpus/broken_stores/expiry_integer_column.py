"""expiry_time is a BIGINT column, so SQLite hands expires_in back as an int (or a float past 2**63)."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"ROUNDTRIP-EXPIRY-STR"},
    collateral={
        "BYID-HIT",
        "CAPACITY",
        "DELETE-ONE",
        "DELETE-UNKNOWN",
        "DELETEALL-REUSABLE",
        "FIND-BY-ACCESS",
        "FIND-BY-GRANT",
        "FIND-BY-ID",
        "FIND-BY-REFRESH",
        "FIND-BY-USER",
        "FIND-FILL-NONE-ONLY",
        "FIND-PRECEDENCE",
        "GET-ALL",
        "INSTANCE-ISOLATION",
        "ROUNDTRIP-FIELDS",
        "ROUNDTRIP-HOSTILE",
        "ROUNDTRIP-LONG",
        "SAVE-INSERT",
        "SAVE-KEEP-STORED",
        "SAVE-PRECEDENCE",
        "SAVE-UPSERT-ACCESS",
        "SAVE-UPSERT-ID",
        "SAVE-UPSERT-USER",
        "SAVE-USER-ISOLATION",
    },
)


class Store(SQLiteStore):
    schema = (
        # fault: "it is a number of milliseconds", but the SDK keeps and compares it as a string
        "CREATE TABLE oauthtoken (id TEXT PRIMARY KEY NOT NULL, user_name TEXT, client_id TEXT,"
        " client_secret TEXT, refresh_token TEXT, access_token TEXT, grant_token TEXT, expiry_time BIGINT,"
        " redirect_url TEXT, api_domain TEXT)",
        "CREATE UNIQUE INDEX oauthtoken_user_name ON oauthtoken (user_name)",
    )
