"""save_token has no isinstance check, so save_token(None) raises AttributeError."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, merged_row, row_from_token

EXPECT = Expect(
    fails={"SAVE-IGNORE-NON-TOKEN"},
)


class Store(DictTokenStore):
    def save_token(self, token):
        # fault: whatever is passed in is treated as an OAuthToken
        row = self._matching_row(token)
        if row is None:
            if token.get_id() is None:
                token.set_id(self._new_id())
            self._rows[token.get_id()] = row_from_token(token)
        else:
            self._rows[row[ID]] = merged_row(row, token)
            if token.get_id() is None:
                token.set_id(row[ID])
