"""Picks the key from the client credentials alone, so a token without them and without an access token matches None."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import user_name

EXPECT = Expect(
    fails={"KEY-NONE"},
    lifecycle={
        "KEY-NONE",
        "FIND-MISS-NONE",
        "FIND-PRECEDENCE",
        "SAVE-INSERT",
        "SAVE-ID-UNIQUE",
        "SAVE-USER-ISOLATION",
    },
)


class Store(DictTokenStore):
    def _matching_row(self, token):
        row = self._rows.get(token.get_id()) if token.get_id() is not None else None
        if row is not None:
            return row
        name = user_name(token)
        if name:
            return self._first("user_name", name)
        if token.get_client_id() is None and token.get_client_secret() is None:
            # fault: "no client credentials means a self-client token", so the access token is compared
            # even when the token has none, and None == None picks a record without an access token
            return self._first("access_token", token.get_access_token())
        return super()._matching_row(token)
