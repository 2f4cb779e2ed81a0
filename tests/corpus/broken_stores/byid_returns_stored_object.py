"""find_token_by_id returns the OAuthToken object the store keeps, so changing it changes the store."""

from __future__ import annotations

from correct_stores.deep_copies import Store as TokenObjectStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"BYID-DETACHED"},
)


class Store(TokenObjectStore):
    def find_token_by_id(self, id):
        return self._tokens.get(id)  # fault: the kept object, not a copy
