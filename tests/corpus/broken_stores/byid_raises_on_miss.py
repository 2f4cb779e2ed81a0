"""find_token_by_id raises SDKException for an unknown id instead of returning None, as in the SDK guide."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

from tokenstore_conformance.sdk import SDKException

EXPECT = Expect(
    fails={"BYID-MISS"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"DELETE-ONE", "DELETEALL-EMPTIES", "INSTANCE-ISOLATION"},
)


class Store(SQLiteStore):
    def find_token_by_id(self, id):
        found = super().find_token_by_id(id)
        if found is None:
            raise SDKException("TOKEN_STORE", "no token with this id")  # fault: a miss is not an error
        return found
