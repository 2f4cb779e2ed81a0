"""delete_token uses del on the dict, so an unknown id raises KeyError."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"DELETE-UNKNOWN"},
)


class Store(DictTokenStore):
    def delete_token(self, id):
        del self._rows[id]  # fault: KeyError, where only None or SDKException is allowed
