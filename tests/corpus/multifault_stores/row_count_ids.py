"""A dict of records whose new ids count the records, and a find_token_by_id that indexes the dict.

Written from the SDK's FileStore: the id is "the next row number", which is
right until a record is deleted; then the next save gets the id of a record
that is still there and replaces it. ``find_token_by_id`` reads
``self.records[id]`` and lets the KeyError out for an id it does not know.
"""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.sdk import OAuthToken, TokenStore, UserSignature

EXPECT = Expect(
    bugs={
        "new id is len(records) + 1, reused after a delete": {"SAVE-ID-UNIQUE"},
        "find_token_by_id raises KeyError for an unknown id": {"BYID-MISS"},
    },
    # Each of these tests checks that a deleted or foreign id is gone with find_token_by_id; the KeyError
    # is BYID-MISS's fault, so they stop at that precondition.
    blocked={"DELETE-ONE", "DELETEALL-EMPTIES", "INSTANCE-ISOLATION"},
)

PLAIN = ("client_id", "client_secret", "refresh_token", "access_token", "grant_token", "expires_in",
         "redirect_url", "api_domain")  # fmt: skip


class Store(TokenStore):
    tokenstore_concurrency = "none"

    def __init__(self):
        self.records = {}  # id -> {field: value}

    def _record(self, token):
        signature = token.get_user_signature()
        record = {f: getattr(token, "get_" + f)() for f in PLAIN}
        record["user_name"] = signature.get_name() if signature else None
        return record

    def _find_id(self, token):
        if token.get_id() in self.records:
            return token.get_id()
        signature = token.get_user_signature()
        if signature and signature.get_name():
            wanted = ("user_name", signature.get_name())
        elif token.get_client_id() is None and token.get_client_secret() is None:
            wanted = ("access_token", token.get_access_token())
        elif token.get_client_id() is not None and token.get_client_secret() is not None:
            if token.get_grant_token():
                wanted = ("grant_token", token.get_grant_token())
            else:
                wanted = ("refresh_token", token.get_refresh_token())
        else:
            return None
        if wanted[1] is None:
            return None
        for rid, record in self.records.items():
            if record[wanted[0]] == wanted[1]:
                return rid
        return None

    def _fill(self, token, rid):
        record = self.records[rid]
        if token.get_id() is None:
            token.set_id(rid)
        if token.get_user_signature() is None and record["user_name"] is not None:
            token.set_user_signature(UserSignature(record["user_name"]))
        for f in PLAIN:
            if getattr(token, "get_" + f)() is None:
                getattr(token, "set_" + f)(record[f])
        return token

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        rid = self._find_id(token)
        if rid is None:
            if token.get_id() is None:
                token.set_id(str(len(self.records) + 1))  # bug: a delete makes this an id in use
            self.records[token.get_id()] = self._record(token)
            return
        new = self._record(token)
        self.records[rid] = {f: self.records[rid][f] if new[f] is None else new[f] for f in new}
        if token.get_id() is None:
            token.set_id(rid)

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        rid = self._find_id(token)
        return self._fill(token, rid) if rid is not None else None

    def find_token_by_id(self, id):
        return self._fill(OAuthToken(id=id), id)  # bug: self.records[id] raises KeyError on a miss

    def get_tokens(self):
        return [self._fill(OAuthToken(id=rid), rid) for rid in self.records]

    def delete_token(self, id):
        self.records.pop(id, None)

    def delete_tokens(self):
        self.records.clear()
