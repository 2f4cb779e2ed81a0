"""Indexes users by their case-folded name and checks the exact name, but delete_token drops the whole bucket."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, lookup_key
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"USER-NAME-EXACT"},
    lifecycle={"USER-NAME-EXACT", "FIND-BY-USER", "SAVE-UPSERT-USER", "SAVE-INSERT", "SAVE-ID-UNIQUE"},
)


class Store(DictTokenStore):
    """Names that fold alike share a bucket of ids; lookups compare the exact name within it."""

    def __init__(self) -> None:
        super().__init__()
        self._bucket: dict[str, set[str]] = {}

    def _matching_row(self, token):
        row = self._rows.get(token.get_id()) if token.get_id() is not None else None
        if row is not None:
            return row
        key = lookup_key(token)
        if key is None:
            return None
        column, value = key
        if column != "user_name":
            return self._first(column, value)
        ids = self._bucket.get(value.casefold(), set())
        return next((self._rows[i] for i in sorted(ids) if self._rows[i][1] == value), None)

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        before = self._matching_row(token)
        super().save_token(token)
        rid = before[ID] if before is not None else token.get_id()
        if rid in self._rows:
            if before is not None and before[1] is not None:
                self._bucket.get(before[1].casefold(), set()).discard(rid)
            name = self._rows[rid][1]
            if name is not None:
                self._bucket.setdefault(name.casefold(), set()).add(rid)

    def delete_token(self, id):
        row = self._rows.get(id)
        if row is not None and row[1] is not None:
            # fault: the bucket is the user's, so it goes with the user; it holds every name that folds alike
            self._bucket.pop(row[1].casefold(), None)
        super().delete_token(id)

    def delete_tokens(self):
        super().delete_tokens()
        self._bucket.clear()
