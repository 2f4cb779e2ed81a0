"""sqlite3 with the lookup SQL built by f-strings, and a find_token that ranks rows instead of filtering them.

The column of the lookup changes with the token, so the author built the
whole WHERE clause as a string, value included: a quote in a user name ends
the literal, and ``x' or user_name='victim`` names another user's record.
find_token picks "the best row" with ``ORDER BY <key> = '<value>' DESC
LIMIT 1``, which honours the key order but has no miss: with any record
stored, it returns the first one. The writes and the lookups by id are
parameterised, as in the sqlite3 documentation.
"""

from __future__ import annotations

import sqlite3
import uuid

from support.corpus import Expect

from tokenstore_conformance.sdk import OAuthToken, TokenStore, UserSignature

EXPECT = Expect(
    bugs={
        "lookup WHERE clause built with an f-string": {"ROUNDTRIP-HOSTILE"},
        "find_token ranks rows with ORDER BY, so a miss returns the first row": {"FIND-MISS-NONE"},
    },
    # FIND-USER-ONLY's test first checks that a user name no record has misses when nothing else matches
    # either; here it does not, which is FIND-MISS-NONE's fault.
    blocked={"FIND-USER-ONLY"},
)

COLUMNS = ("id", "user_name", "client_id", "client_secret", "refresh_token", "access_token", "grant_token",
           "expiry_time", "redirect_url", "api_domain")  # fmt: skip
GETTERS = {"client_id": "get_client_id", "client_secret": "get_client_secret",
           "refresh_token": "get_refresh_token", "access_token": "get_access_token",
           "grant_token": "get_grant_token", "expiry_time": "get_expires_in",
           "redirect_url": "get_redirect_url", "api_domain": "get_api_domain"}  # fmt: skip


class Store(TokenStore):
    tokenstore_concurrency = "none"

    def __init__(self):
        self.db = sqlite3.connect(":memory:")
        self.db.row_factory = sqlite3.Row
        self.db.execute(
            "CREATE TABLE oauthtoken (id TEXT PRIMARY KEY, user_name TEXT, client_id TEXT, client_secret TEXT,"
            " refresh_token TEXT, access_token TEXT, grant_token TEXT, expiry_time TEXT, redirect_url TEXT,"
            " api_domain TEXT)"
        )

    @staticmethod
    def _key(token):
        signature = token.get_user_signature()
        if signature is not None and signature.get_name():
            return "user_name", signature.get_name()
        client, secret = token.get_client_id(), token.get_client_secret()
        if client is None and secret is None and token.get_access_token():
            return "access_token", token.get_access_token()
        if client is not None and secret is not None:
            if token.get_grant_token():
                return "grant_token", token.get_grant_token()
            if token.get_refresh_token():
                return "refresh_token", token.get_refresh_token()
        return None

    def _by_id(self, id):
        return self.db.execute("SELECT * FROM oauthtoken WHERE id = ?", (id,)).fetchone()

    def _lookup(self, token):
        row = self._by_id(token.get_id()) if token.get_id() is not None else None
        if row is None and self._key(token):
            column, value = self._key(token)
            # bug: the value is pasted into the SQL
            row = self.db.execute(f"SELECT * FROM oauthtoken WHERE {column} = '{value}'").fetchone()
        return row

    def _values(self, token):
        signature = token.get_user_signature()
        values = {column: getattr(token, getter)() for column, getter in GETTERS.items()}
        values["user_name"] = signature.get_name() if signature else None
        return values

    def _fill(self, token, row):
        if token.get_id() is None:
            token.set_id(row["id"])
        if token.get_user_signature() is None and row["user_name"] is not None:
            token.set_user_signature(UserSignature(row["user_name"]))
        for column, getter in GETTERS.items():
            if getattr(token, getter)() is None:
                getattr(token, "set" + getter[3:])(row[column])
        return token

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self.db:
            row = self._lookup(token)
            values = self._values(token)
            if row is None:
                if token.get_id() is None:
                    token.set_id(str(uuid.uuid4()))
                values["id"] = token.get_id()
                self.db.execute(
                    f"INSERT INTO oauthtoken ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                    [values[c] for c in COLUMNS],
                )
            else:
                changed = {c: v for c, v in values.items() if v is not None}
                if changed:
                    assignments = ", ".join(f"{c} = ?" for c in changed)
                    self.db.execute(
                        f"UPDATE oauthtoken SET {assignments} WHERE id = ?", [*changed.values(), row["id"]]
                    )
                if token.get_id() is None:
                    token.set_id(row["id"])

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        ranks = []
        if token.get_id() is not None:
            ranks.append(f"id = '{token.get_id()}' DESC")
        if self._key(token):
            column, value = self._key(token)
            ranks.append(f"{column} = '{value}' DESC")
        if not ranks:
            return None
        # bug: ORDER BY ranks every row and LIMIT 1 takes the best, which is some row even when none matches
        row = self.db.execute(f"SELECT * FROM oauthtoken ORDER BY {', '.join(ranks)} LIMIT 1").fetchone()
        return self._fill(token, row) if row is not None else None

    def find_token_by_id(self, id):
        row = self._by_id(id)
        return self._fill(OAuthToken(id=row["id"]), row) if row is not None else None

    def get_tokens(self):
        return [
            self._fill(OAuthToken(id=row["id"]), row) for row in self.db.execute("SELECT * FROM oauthtoken")
        ]

    def delete_token(self, id):
        with self.db:
            self.db.execute("DELETE FROM oauthtoken WHERE id = ?", (id,))

    def delete_tokens(self):
        with self.db:
            self.db.execute("DELETE FROM oauthtoken")
