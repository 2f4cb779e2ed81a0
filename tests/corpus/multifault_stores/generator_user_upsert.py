"""A dict store whose get_tokens is a generator and whose save_token upserts by id and user name only.

``get_tokens`` yields the tokens, "to save memory with many users"; the SDK
and any caller that takes ``len()`` or compares it with ``[]`` get a
generator instead of a list. save_token updates the record with the token's
id or user name and inserts otherwise: a token the SDK saves by its access,
grant or refresh token (a self-client token, a start from a refresh token)
becomes a second record.
"""

from __future__ import annotations

import uuid

from support.corpus import Expect

from tokenstore_conformance.sdk import OAuthToken, TokenStore, UserSignature

EXPECT = Expect(
    bugs={
        "get_tokens yields a generator, not a list": {"GET-EMPTY", "GET-ALL"},
        # Its tests (SAVE-UPSERT-ACCESS, -GRANT, -REFRESH, and SAVE-ID-ECHO's by refresh token) read the
        # records back with get_tokens, so the generator blocks them: fix get_tokens first.
        "save_token matches by id and user name only": set(),
    },
    # Every test that lists the store's records stops at GET-EMPTY or GET-ALL.
    blocked={
        "BYID-DETACHED",
        "BYID-MISS",
        "CAPACITY",
        "DELETE-ONE",
        "DELETE-UNKNOWN",
        "DELETEALL-EMPTIES",
        "DELETEALL-REUSABLE",
        "FIND-FILL-NONE-ONLY",
        "FIND-MISS-NONE",
        "GET-DETACHED",
        "INSTANCE-ISOLATION",
        "ROUNDTRIP-EXPIRY-STR",
        "ROUNDTRIP-FIELDS",
        "ROUNDTRIP-HOSTILE",
        "ROUNDTRIP-LONG",
        "SAVE-COPY",
        "SAVE-ID-ASSIGN",
        "SAVE-ID-ECHO",
        "SAVE-ID-UNIQUE",
        "SAVE-IDEMPOTENT",
        "SAVE-IGNORE-NON-TOKEN",
        "SAVE-INSERT",
        "SAVE-KEEP-STORED",
        "SAVE-PRECEDENCE",
        "SAVE-UPSERT-ACCESS",
        "SAVE-UPSERT-GRANT",
        "SAVE-UPSERT-ID",
        "SAVE-UPSERT-REFRESH",
        "SAVE-UPSERT-USER",
        "SAVE-USER-ISOLATION",
    },
)

FIELDS = ["client_id", "client_secret", "refresh_token", "access_token", "grant_token", "expires_in",
          "redirect_url", "api_domain"]  # fmt: skip


class Store(TokenStore):
    tokenstore_concurrency = "none"

    def __init__(self):
        self.by_id = {}

    def _user(self, token):
        signature = token.get_user_signature()
        return signature.get_name() if signature else None

    def _lookup(self, token):
        """The stored record a lookup names: by id, then by the SDK's key order."""
        if token.get_id() in self.by_id:
            return self.by_id[token.get_id()]
        name = self._user(token)
        if name:
            return next((r for r in self.by_id.values() if r["user_name"] == name), None)
        client, secret = token.get_client_id(), token.get_client_secret()
        if client is None and secret is None:
            column = "access_token"
        elif client is not None and secret is not None:
            column = "grant_token" if token.get_grant_token() else "refresh_token"
        else:
            return None
        value = getattr(token, "get_" + column)()
        if value is None:
            return None
        return next((r for r in self.by_id.values() if r[column] == value), None)

    def _load(self, token, record):
        if token.get_id() is None:
            token.set_id(record["id"])
        if token.get_user_signature() is None and record["user_name"]:
            token.set_user_signature(UserSignature(record["user_name"]))
        for field in FIELDS:
            if getattr(token, "get_" + field)() is None:
                getattr(token, "set_" + field)(record[field])
        return token

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        record = self.by_id.get(token.get_id())
        name = self._user(token)
        if record is None and name:
            record = next((r for r in self.by_id.values() if r["user_name"] == name), None)
        # bug: no lookup by access, grant or refresh token; such a token is inserted again
        if record is None:
            if token.get_id() is None:
                token.set_id(uuid.uuid4().hex)
            self.by_id[token.get_id()] = {"id": token.get_id(), "user_name": name,
                                          **{f: getattr(token, "get_" + f)() for f in FIELDS}}  # fmt: skip
            return
        for field in FIELDS:
            if getattr(token, "get_" + field)() is not None:
                record[field] = getattr(token, "get_" + field)()
        if name:
            record["user_name"] = name
        if token.get_id() is None:
            token.set_id(record["id"])

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        record = self._lookup(token)
        return self._load(token, record) if record is not None else None

    def find_token_by_id(self, id):
        record = self.by_id.get(id)
        return self._load(OAuthToken(id=id), record) if record is not None else None

    def get_tokens(self):
        for record in self.by_id.values():  # bug: a generator, where the SDK expects a list
            yield self._load(OAuthToken(id=record["id"]), record)

    def delete_token(self, id):
        self.by_id.pop(id, None)

    def delete_tokens(self):
        self.by_id.clear()
