"""find_token looks only at user name and tokens and never at the id, like the SDK guide's sample."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import fill_token, lookup_key
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"FIND-BY-ID"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"CAPACITY", "FIND-PRECEDENCE", "FIND-SAME-OBJECT"},
)


class Store(DictTokenStore):
    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        key = lookup_key(token)  # fault: token.get_id() is never consulted
        row = self._first(*key) if key else None
        return fill_token(token, row) if row is not None else None
