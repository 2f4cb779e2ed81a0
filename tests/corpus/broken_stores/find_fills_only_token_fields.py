"""find_token fills in only the access token, refresh token and expiry, leaving a partial token."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import COLUMNS
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"FIND-BY-USER", "FIND-BY-ACCESS", "FIND-BY-GRANT", "FIND-BY-REFRESH"},
    blocked={"CAPACITY", "FIND-FILL-NONE-ONLY", "FIND-PRECEDENCE", "FIND-SAME-OBJECT", "FIND-USER-ONLY"},
    collateral={"FIND-BY-ID", "ROUNDTRIP-FIELDS", "ROUNDTRIP-HOSTILE", "ROUNDTRIP-LONG"},
)


class Store(DictTokenStore):
    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        row = self._matching_row(token)
        if row is None:
            return None
        # fault: "the SDK only needs these", but it reads the others back from the token too
        for column in ("refresh_token", "access_token", "expiry_time"):
            name = "expires_in" if column == "expiry_time" else column
            if getattr(token, f"get_{name}")() is None:
                getattr(token, f"set_{name}")(row[COLUMNS.index(column)])
        return token
