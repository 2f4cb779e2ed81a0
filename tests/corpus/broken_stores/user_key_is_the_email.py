"""Compares user names as e-mail addresses: the domain in lower case, the SDK's ":org-id" suffix dropped."""

from __future__ import annotations

import sqlite3

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"USER-NAME-EXACT"},
    lifecycle={"USER-NAME-EXACT", "FIND-USER-ONLY", "SAVE-INSERT", "SAVE-ID-UNIQUE", "SAVE-USER-ISOLATION"},
)


def email_of(name: str | None) -> str | None:
    """``Local@Domain:org`` as ``Local@domain``."""
    if name is None:
        return None
    local, at, domain = name.rpartition("@")
    if not at:
        return name
    return f"{local}@{domain.split(':')[0].lower()}"


class Store(SQLiteStore):
    # fault: "one person, one e-mail address": the SDK's user name also names the organisation, and
    # a mail domain's case is not the user name's to ignore
    schema = (
        SQLiteStore.schema[0],
        "CREATE UNIQUE INDEX IF NOT EXISTS oauthtoken_email ON oauthtoken (email_of(user_name))",
    )

    def _connect(self) -> sqlite3.Connection:
        connection = super()._connect()
        connection.create_function("email_of", 1, email_of, deterministic=True)
        return connection

    def _select(self, where, parameters):
        if where == "user_name = ?":
            where = "email_of(user_name) = email_of(?)"
        return super()._select(where, parameters)
