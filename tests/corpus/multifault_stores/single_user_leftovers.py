"""sqlite3 whose find_token_by_id and delete_token are left over from a single-user version of the store.

The author first wrote the store for one token: ``find_token_by_id`` read
"the" row with ``SELECT ... LIMIT 1`` and ``delete_token`` emptied the table.
save_token and find_token were later rewritten for several users; these two
were not, so a lookup by id returns whichever row comes first and a sign-out
deletes every user's token.
"""

from __future__ import annotations

import sqlite3
import uuid

from support.corpus import Expect

from tokenstore_conformance.sdk import OAuthToken, TokenStore, UserSignature

EXPECT = Expect(
    bugs={
        "find_token_by_id selects the first row, no WHERE": {"BYID-HIT", "BYID-MISS"},
        "delete_token deletes every row, whatever the id": {"DELETE-ONE", "DELETE-UNKNOWN"},
    },
    # SAVE-ID-UNIQUE's test deletes 3 of 25 records before saving more (DELETE-ONE's to get right);
    # CAPACITY's first lookup by id gets another record (BYID-HIT's).
    blocked={"CAPACITY", "SAVE-ID-UNIQUE"},
)

COLUMNS = "id, user_name, client_id, client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url, api_domain"


def _token(row):
    token = OAuthToken(id=row[0])
    if row[1] is not None:
        token.set_user_signature(UserSignature(row[1]))
    token.set_client_id(row[2])
    token.set_client_secret(row[3])
    token.set_refresh_token(row[4])
    token.set_access_token(row[5])
    token.set_grant_token(row[6])
    token.set_expires_in(row[7])
    token.set_redirect_url(row[8])
    token.set_api_domain(row[9])
    return token


def _values(token):
    signature = token.get_user_signature()
    return [
        token.get_id(),
        signature.get_name() if signature is not None else None,
        token.get_client_id(),
        token.get_client_secret(),
        token.get_refresh_token(),
        token.get_access_token(),
        token.get_grant_token(),
        token.get_expires_in(),
        token.get_redirect_url(),
        token.get_api_domain(),
    ]


class Store(TokenStore):
    tokenstore_concurrency = "none"

    def __init__(self, path=":memory:"):
        self.db = sqlite3.connect(path)
        self.db.execute(f"CREATE TABLE IF NOT EXISTS oauthtoken ({COLUMNS.replace(',', ' TEXT,')} TEXT)")

    def _one(self, where, value):
        return self.db.execute(
            f"SELECT {COLUMNS} FROM oauthtoken WHERE {where} = ? LIMIT 1", (value,)
        ).fetchone()

    def _match(self, token):
        row = self._one("id", token.get_id()) if token.get_id() is not None else None
        if row is not None:
            return row
        signature = token.get_user_signature()
        if signature is not None and signature.get_name():
            return self._one("user_name", signature.get_name())
        client, secret = token.get_client_id(), token.get_client_secret()
        if client is None and secret is None:
            return self._one("access_token", token.get_access_token()) if token.get_access_token() else None
        if client is not None and secret is not None:
            if token.get_grant_token() is not None:
                return self._one("grant_token", token.get_grant_token())
            if token.get_refresh_token() is not None:
                return self._one("refresh_token", token.get_refresh_token())
        return None

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self.db:
            row = self._match(token)
            if row is None:
                if token.get_id() is None:
                    token.set_id(uuid.uuid4().hex)
                self.db.execute(
                    f"INSERT INTO oauthtoken ({COLUMNS}) VALUES ({', '.join('?' * 10)})", _values(token)
                )
                return
            merged = [old if new is None else new for old, new in zip(row, _values(token), strict=False)]
            names = COLUMNS.split(", ")[1:]
            self.db.execute(
                f"UPDATE oauthtoken SET {', '.join(n + ' = ?' for n in names)} WHERE id = ?",
                [*merged[1:], row[0]],
            )
            if token.get_id() is None:
                token.set_id(row[0])

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        row = self._match(token)
        if row is None:
            return None
        stored = _token(row)
        if token.get_id() is None:
            token.set_id(stored.get_id())
        if token.get_user_signature() is None:
            token.set_user_signature(stored.get_user_signature())
        for name in ("client_id", "client_secret", "refresh_token", "access_token", "grant_token", "expires_in",
                     "redirect_url", "api_domain"):  # fmt: skip
            if getattr(token, "get_" + name)() is None:
                getattr(token, "set_" + name)(getattr(stored, "get_" + name)())
        return token

    def find_token_by_id(self, id):
        row = self.db.execute(f"SELECT {COLUMNS} FROM oauthtoken LIMIT 1").fetchone()  # bug: no WHERE id = ?
        return _token(row) if row is not None else None

    def get_tokens(self):
        return [_token(row) for row in self.db.execute(f"SELECT {COLUMNS} FROM oauthtoken")]

    def delete_token(self, id):
        with self.db:
            self.db.execute("DELETE FROM oauthtoken")  # bug: "the" token, from when there was one

    def delete_tokens(self):
        with self.db:
            self.db.execute("DELETE FROM oauthtoken")
