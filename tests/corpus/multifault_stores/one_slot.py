"""One row for the whole application: a store written for a single CRM user, used for several.

The author's application signed in one user, so the table holds one row
(``slot`` is always 1) and a save of a token that is not that row's replaces
it. Everything else is right: a save of the stored record merges into it, a
lookup by any key finds it, ids are fresh. Nothing says the store is meant
for one user only, and the SDK serves every user of the application through it.
"""

from __future__ import annotations

import sqlite3
import uuid

from support.corpus import Expect

from tokenstore_conformance.sdk import OAuthToken, TokenStore, UserSignature

FIELDS = ("user_name", "client_id", "client_secret", "refresh_token", "access_token", "grant_token",
          "expires_in", "redirect_url", "api_domain")  # fmt: skip

# Saving a second user's token loses the first user's record: SAVE-INSERT's test that three users
# are three records fails, and nothing else is this store's own fault.
EXPECT = Expect(
    bugs={"one row for every user, replaced by a save of another user": {"SAVE-INSERT"}},
    # Every other test that saves several users and then reads or updates one finds a user missing from
    # get_tokens first, and is blocked by SAVE-INSERT (SAVE-USER-ISOLATION's too: its update never ran
    # on two stored users).
    blocked={
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
        "FIND-MISS-NONE",
        "FIND-PRECEDENCE",
        "FIND-SAME-OBJECT",
        "FIND-USER-ONLY",
        "GET-ALL",
        "ROUNDTRIP-HOSTILE",
        "SAVE-ID-UNIQUE",
        "SAVE-PRECEDENCE",
        "SAVE-USER-ISOLATION",
    },
)


def _get(token, field):
    if field == "user_name":
        signature = token.get_user_signature()
        return signature.get_name() if signature is not None else None
    return getattr(token, "get_" + field)()


class Store(TokenStore):
    tokenstore_concurrency = "none"

    def __init__(self):
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE TABLE token (slot INTEGER PRIMARY KEY CHECK (slot = 1), id TEXT, "
            + ", ".join(f"{f} TEXT" for f in FIELDS)
            + ")"
        )

    def _current(self):
        row = self.db.execute(f"SELECT id, {', '.join(FIELDS)} FROM token").fetchone()
        return dict(zip(("id", *FIELDS), row, strict=False)) if row is not None else None

    @staticmethod
    def _names(token, row):
        """Whether the token is the stored row, by the SDK's order of keys."""
        if token.get_id() is not None and token.get_id() == row["id"]:
            return True
        name = _get(token, "user_name")
        if name:
            return name == row["user_name"]
        client, secret = token.get_client_id(), token.get_client_secret()
        if client is None and secret is None:
            return token.get_access_token() is not None and token.get_access_token() == row["access_token"]
        if client is not None and secret is not None:
            if token.get_grant_token():
                return token.get_grant_token() == row["grant_token"]
            return token.get_refresh_token() is not None and token.get_refresh_token() == row["refresh_token"]
        return False

    def _write(self, values):
        self.db.execute(
            f"INSERT OR REPLACE INTO token (slot, id, {', '.join(FIELDS)}) VALUES (1, ?{', ?' * len(FIELDS)})",
            [values["id"], *(values[f] for f in FIELDS)],
        )

    def _token(self, row):
        token = OAuthToken(id=row["id"])
        if row["user_name"] is not None:
            token.set_user_signature(UserSignature(row["user_name"]))
        for field in FIELDS[1:]:
            getattr(token, "set_" + field)(row[field])
        return token

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self.db:
            row = self._current()
            if row is not None and self._names(token, row):
                merged = {f: row[f] if _get(token, f) is None else _get(token, f) for f in FIELDS}
                self._write({"id": row["id"], **merged})
                if token.get_id() is None:
                    token.set_id(row["id"])
                return
            if token.get_id() is None:
                token.set_id(uuid.uuid4().hex)
            # bug: the one slot takes the new token, and whoever was there is gone
            self._write({"id": token.get_id(), **{f: _get(token, f) for f in FIELDS}})

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        row = self._current()
        if row is None or not self._names(token, row):
            return None
        if token.get_id() is None:
            token.set_id(row["id"])
        if token.get_user_signature() is None and row["user_name"] is not None:
            token.set_user_signature(UserSignature(row["user_name"]))
        for field in FIELDS[1:]:
            if _get(token, field) is None:
                getattr(token, "set_" + field)(row[field])
        return token

    def find_token_by_id(self, id):
        row = self._current()
        return self._token(row) if row is not None and row["id"] == id else None

    def get_tokens(self):
        row = self._current()
        return [self._token(row)] if row is not None else []

    def delete_token(self, id):
        with self.db:
            self.db.execute("DELETE FROM token WHERE id = ?", (id,))

    def delete_tokens(self):
        with self.db:
            self.db.execute("DELETE FROM token")
