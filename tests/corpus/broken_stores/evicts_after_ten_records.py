"""Records live in an LRU cache of ten entries, so the eleventh record silently evicts the oldest."""

from __future__ import annotations

from collections import OrderedDict

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"GET-ALL"},
    collateral={"CAPACITY", "SAVE-ID-UNIQUE"},
)
CAPACITY = 10


class Store(DictTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._rows = OrderedDict()

    def save_token(self, token):
        super().save_token(token)
        if isinstance(token, OAuthToken) and token.get_id() in self._rows:
            self._rows.move_to_end(token.get_id())
        while len(self._rows) > CAPACITY:  # fault: a cache size where a store needs none
            self._rows.popitem(last=False)
