"""get_tokens hands out the OAuthToken objects the store keeps, so changing one changes the store."""

from __future__ import annotations

from correct_stores.deep_copies import Store as TokenObjectStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"GET-DETACHED"},
)


class Store(TokenObjectStore):
    def get_tokens(self):
        return list(self._tokens.values())  # fault: the kept objects, not copies
