"""find_token raises SDKException on a miss instead of returning None."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.sdk import SDKException

EXPECT = Expect(
    fails={"FIND-MISS-NONE"},
    blocked={"DELETEALL-EMPTIES", "FIND-USER-ONLY", "INSTANCE-ISOLATION", "ROUNDTRIP-HOSTILE"},
)


class Store(DictTokenStore):
    def find_token(self, token):
        found = super().find_token(token)
        if found is None:
            raise SDKException("TOKEN_STORE", "no token matches")  # fault: a miss is not an error
        return found
