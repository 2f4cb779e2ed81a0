"""Finds users through an index keyed by the NFKC form of the name, so composed, decomposed and fullwidth spellings are one user."""

from __future__ import annotations

import unicodedata

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, lookup_key

EXPECT = Expect(
    fails={"USER-NAME-EXACT"},
    lifecycle={"USER-NAME-EXACT", "FIND-USER-ONLY", "SAVE-INSERT", "SAVE-ID-UNIQUE", "SAVE-USER-ISOLATION"},
)


def _index_key(name: str) -> str:
    # fault: "Unicode names must not depend on how they were typed", but the SDK stores the name it
    # was given, and two spellings are two users to it
    return unicodedata.normalize("NFKC", name)


class Store(DictTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._id_by_user: dict[str, str] = {}

    def _matching_row(self, token):
        row = self._rows.get(token.get_id()) if token.get_id() is not None else None
        if row is not None:
            return row
        key = lookup_key(token)
        if key is None:
            return None
        column, value = key
        if column == "user_name":
            rid = self._id_by_user.get(_index_key(value))
            return self._rows.get(rid) if rid is not None else None
        return self._first(column, value)

    def _reindex(self) -> None:
        self._id_by_user = {_index_key(row[1]): row[ID] for row in self._rows.values() if row[1] is not None}

    def save_token(self, token):
        super().save_token(token)
        self._reindex()

    def delete_token(self, id):
        super().delete_token(id)
        self._reindex()

    def delete_tokens(self):
        super().delete_tokens()
        self._reindex()
