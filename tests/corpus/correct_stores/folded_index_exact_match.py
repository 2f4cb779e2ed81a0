"""Indexes users by a folded form of the name (case, width, accents), then compares the exact name."""

from __future__ import annotations

import unicodedata

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, lookup_key
from tokenstore_conformance.sdk import OAuthToken

from .dict_store import DictTokenStore

EXPECT = Expect()


def folded(name: str) -> str:
    """What a search box would match: case, width and accents ignored, spaces trimmed."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


class Store(DictTokenStore):
    """Names that fold alike share a bucket of ids; only the exact name picks a record.

    The folded index is for finding candidates fast (and, in an application,
    for a search box); the comparison that decides stays exact, and a delete
    takes only its own id out of the bucket it shares with other names.
    """

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
        exact = [self._rows[i] for i in self._bucket.get(folded(value), ()) if self._rows[i][1] == value]
        return exact[0] if exact else None

    def _unindex(self, rid: str, name: str | None) -> None:
        if name is not None:
            bucket = self._bucket.get(folded(name), set())
            bucket.discard(rid)
            if not bucket:
                self._bucket.pop(folded(name), None)

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        before = self._matching_row(token)
        super().save_token(token)
        rid = before[ID] if before is not None else token.get_id()
        if before is not None:
            self._unindex(rid, before[1])
        name = self._rows[rid][1]
        if name is not None:
            self._bucket.setdefault(folded(name), set()).add(rid)

    def delete_token(self, id):
        if id in self._rows:
            self._unindex(id, self._rows[id][1])
        super().delete_token(id)

    def delete_tokens(self):
        super().delete_tokens()
        self._bucket.clear()
