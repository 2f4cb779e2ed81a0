"""save_token never matches by refresh token (the refresh token is not treated as a key), so it inserts a duplicate."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, lookup_key, merged_row, row_from_token
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"SAVE-UPSERT-REFRESH"},
    # The precedence case "refresh token over an access token, with credentials" updates by refresh token.
    collateral={"SAVE-PRECEDENCE"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"SAVE-ID-ECHO"},
)


class Store(DictTokenStore):
    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        row = self._rows.get(token.get_id()) if token.get_id() is not None else None
        if row is None:
            key = lookup_key(token)
            if key is not None and key[0] != "refresh_token":  # fault: this key is skipped
                row = self._first(*key)
        if row is None:
            if token.get_id() is None:
                token.set_id(self._new_id())
            self._rows[token.get_id()] = row_from_token(token)
        else:
            self._rows[row[ID]] = merged_row(row, token)
            if token.get_id() is None:
                token.set_id(row[ID])
