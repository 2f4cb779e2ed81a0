"""After an update matched by user name or refresh token, the token passed in gets no id."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, merged_row, row_from_token
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"SAVE-ID-ECHO"},
)


class Store(DictTokenStore):
    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        row = self._matching_row(token)
        if row is None:
            if token.get_id() is None:
                token.set_id(self._new_id())
            self._rows[token.get_id()] = row_from_token(token)
        else:
            self._rows[row[ID]] = merged_row(row, token)  # fault: the record's id is not handed back
