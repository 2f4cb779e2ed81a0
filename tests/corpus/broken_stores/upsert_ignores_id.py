"""save_token matches records by user name and tokens only, never by id, and replaces the record."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, lookup_key, merged_row, row_from_token
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"SAVE-UPSERT-ID"},
    collateral={"SAVE-KEEP-STORED", "SAVE-PRECEDENCE"},
)


class Store(DictTokenStore):
    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        key = lookup_key(token)
        row = self._first(*key) if key else None  # fault: the token's id is never looked at
        if row is None:
            if token.get_id() is None:
                token.set_id(self._new_id())
            self._rows[token.get_id()] = row_from_token(token)
        else:
            self._rows[row[ID]] = merged_row(row, token)
            if token.get_id() is None:
                token.set_id(row[ID])
