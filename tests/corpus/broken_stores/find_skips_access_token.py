"""find_token never looks up by access token, so a token that only has one is a miss."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import fill_token, lookup_key
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"FIND-BY-ACCESS"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"CAPACITY", "FIND-PRECEDENCE", "FIND-SAME-OBJECT"},
)


class Store(DictTokenStore):
    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        row = self._rows.get(token.get_id()) if token.get_id() is not None else None
        if row is None:
            key = lookup_key(token)
            if key is not None and key[0] != "access_token":  # fault: this branch was never written
                row = self._first(*key)
        return fill_token(token, row) if row is not None else None
