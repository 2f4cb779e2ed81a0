"""find_token saves the token it was asked about when no record matches it (get-or-create)."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(fails={"FLOW-EXCHANGE-FAIL"})


class Store(ListTokenStore):
    """A login the server refuses then leaves a record holding only the spent grant code."""

    def find_token(self, token):
        found = super().find_token(token)
        if found is None and isinstance(token, OAuthToken):
            self.save_token(token)
        return found
