"""The user_name column is COLLATE NOCASE, so two users whose names differ only in case merge."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"SAVE-USER-ISOLATION"},
    collateral={"USER-NAME-EXACT"},
)


class Store(SQLiteStore):
    schema = (
        # fault: "e-mail addresses are case-insensitive", but a user name is not an e-mail address
        "CREATE TABLE oauthtoken (id TEXT PRIMARY KEY NOT NULL, user_name TEXT COLLATE NOCASE, client_id TEXT,"
        " client_secret TEXT, refresh_token TEXT, access_token TEXT, grant_token TEXT, expiry_time TEXT,"
        " redirect_url TEXT, api_domain TEXT)",
        "CREATE UNIQUE INDEX oauthtoken_user_name ON oauthtoken (user_name)",
    )
