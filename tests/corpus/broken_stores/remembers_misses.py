"""Remembers lookups that missed; an insert forgets them, an update that gives a record a missed value does not."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import lookup_key
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"READ-AFTER-WRITE"},
    lifecycle={
        "READ-AFTER-WRITE",
        "FIND-BY-USER",
        "FIND-BY-ACCESS",
        "FIND-BY-GRANT",
        "FIND-BY-REFRESH",
        "FIND-PRECEDENCE",
    },
)


class Store(DictTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._misses: set[tuple[str, str]] = set()

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        by_id = token.get_id() is not None and token.get_id() in self._rows
        key = None if by_id else lookup_key(token)
        if key in self._misses:
            return None
        found = super().find_token(token)
        if found is None and key is not None:
            self._misses.add(key)
        return found

    def save_token(self, token):
        count = len(self._rows)
        super().save_token(token)
        if len(self._rows) != count:
            # a new record may be what a remembered miss was looking for
            self._misses.clear()
        # fault: an update can give a record a value that missed before (a new grant code by user
        # name, a renamed user, a rotated refresh token), and that miss is still remembered

    def delete_tokens(self):
        super().delete_tokens()
        self._misses.clear()
