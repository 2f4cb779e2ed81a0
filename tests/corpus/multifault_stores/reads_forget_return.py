"""sqlite3 whose two lookups fill a token and never return it, and whose update writes every column.

``find_token`` fills the caller's token from the row and falls off the end
of the function; ``find_token_by_id`` builds a token and does the same. Both
always return None, so the SDK never finds a stored token. The update is
``UPDATE ... SET`` of all nine columns from the token, so a refresh response,
which has no refresh token, erases the stored one.
"""

from __future__ import annotations

import sqlite3
import uuid

from support.corpus import Expect

from tokenstore_conformance.sdk import OAuthToken, TokenStore, UserSignature

EXPECT = Expect(
    bugs={
        "find_token fills the token and returns None": {
            "FIND-BY-ID",
            "FIND-BY-USER",
            "FIND-BY-ACCESS",
            "FIND-BY-GRANT",
            "FIND-BY-REFRESH",
        },
        "find_token_by_id builds the token and returns None": {"BYID-HIT"},
        "an update writes None over stored fields": {"SAVE-KEEP-STORED"},
    },
    # From the same update: a save by id that loses the fields the token left None cannot be told from
    # a save by id that writes a new record over the stored one, so SAVE-UPSERT-ID's test owns both.
    collateral={"SAVE-UPSERT-ID"},
    # Tests that read a record back by id or by a key stop at BYID-HIT or a FIND-BY-* clause; the updates
    # by user name and access token reach the right record and lose what SAVE-KEEP-STORED keeps.
    blocked={
        "BYID-DETACHED",
        "CAPACITY",
        "DELETE-UNKNOWN",
        "FIND-FILL-NONE-ONLY",
        "FIND-PRECEDENCE",
        "FIND-SAME-OBJECT",
        "FIND-USER-ONLY",
        "ROUNDTRIP-EXPIRY-STR",
        "ROUNDTRIP-FIELDS",
        "ROUNDTRIP-HOSTILE",
        "ROUNDTRIP-LONG",
        "SAVE-PRECEDENCE",
        "SAVE-UPSERT-ACCESS",
        "SAVE-UPSERT-USER",
    },
)

FIELDS = ("user_name", "client_id", "client_secret", "refresh_token", "access_token", "grant_token",
          "expiry_time", "redirect_url", "api_domain")  # fmt: skip
SETTERS = {"client_id": "set_client_id", "client_secret": "set_client_secret", "refresh_token": "set_refresh_token",
           "access_token": "set_access_token", "grant_token": "set_grant_token", "expiry_time": "set_expires_in",
           "redirect_url": "set_redirect_url", "api_domain": "set_api_domain"}  # fmt: skip


def _row(token):
    signature = token.get_user_signature()
    return (
        signature.get_name() if signature else None,
        token.get_client_id(),
        token.get_client_secret(),
        token.get_refresh_token(),
        token.get_access_token(),
        token.get_grant_token(),
        token.get_expires_in(),
        token.get_redirect_url(),
        token.get_api_domain(),
    )


class Store(TokenStore):
    tokenstore_concurrency = "none"

    def __init__(self):
        self.conn = sqlite3.connect(":memory:")
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(
            f"CREATE TABLE oauthtoken (id TEXT PRIMARY KEY, {', '.join(f + ' TEXT' for f in FIELDS)})"
        )

    def _select(self, token):
        if token.get_id() is not None:
            row = self.conn.execute("SELECT * FROM oauthtoken WHERE id = ?", (token.get_id(),)).fetchone()
            if row is not None:
                return row
        signature = token.get_user_signature()
        if signature is not None and signature.get_name():
            return self.conn.execute(
                "SELECT * FROM oauthtoken WHERE user_name = ?", (signature.get_name(),)
            ).fetchone()
        client, secret = token.get_client_id(), token.get_client_secret()
        if client is None and secret is None:
            if token.get_access_token() is None:
                return None
            return self.conn.execute(
                "SELECT * FROM oauthtoken WHERE access_token = ?", (token.get_access_token(),)
            ).fetchone()
        if client is None or secret is None:
            return None
        if token.get_grant_token() is not None:
            return self.conn.execute(
                "SELECT * FROM oauthtoken WHERE grant_token = ?", (token.get_grant_token(),)
            ).fetchone()
        if token.get_refresh_token() is not None:
            return self.conn.execute(
                "SELECT * FROM oauthtoken WHERE refresh_token = ?", (token.get_refresh_token(),)
            ).fetchone()
        return None

    @staticmethod
    def _fill(token, row):
        if token.get_id() is None:
            token.set_id(row["id"])
        if token.get_user_signature() is None and row["user_name"] is not None:
            token.set_user_signature(UserSignature(row["user_name"]))
        for column, setter in SETTERS.items():
            if getattr(token, "g" + setter[1:])() is None:
                getattr(token, setter)(row[column])
        return token

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self.conn:
            row = self._select(token)
            if row is None:
                if token.get_id() is None:
                    token.set_id(uuid.uuid4().hex)
                self.conn.execute(
                    f"INSERT INTO oauthtoken VALUES (?{', ?' * len(FIELDS)})", (token.get_id(), *_row(token))
                )
            else:
                # bug: every column from the token, None included
                self.conn.execute(
                    f"UPDATE oauthtoken SET {', '.join(f + ' = ?' for f in FIELDS)} WHERE id = ?",
                    (*_row(token), row["id"]),
                )
                if token.get_id() is None:
                    token.set_id(row["id"])

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        row = self._select(token)
        if row is not None:
            self._fill(token, row)  # bug: filled, never returned

    def find_token_by_id(self, id):
        row = self.conn.execute("SELECT * FROM oauthtoken WHERE id = ?", (id,)).fetchone()
        if row is not None:
            self._fill(OAuthToken(id=id), row)  # bug: built, never returned

    def get_tokens(self):
        return [
            self._fill(OAuthToken(id=row["id"]), row) for row in self.conn.execute("SELECT * FROM oauthtoken")
        ]

    def delete_token(self, id):
        with self.conn:
            self.conn.execute("DELETE FROM oauthtoken WHERE id = ?", (id,))

    def delete_tokens(self):
        with self.conn:
            self.conn.execute("DELETE FROM oauthtoken")
