"""find_token answers with a new OAuthToken built from the record instead of filling the one passed in."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import token_from_row
from tokenstore_conformance.sdk import OAuthToken, sdk_can_revoke

# remove() reads the id of the object the SDK passed in; revoke its refresh token, where it reaches the store.
EXPECT = Expect(fails={"FLOW-REMOVE"} | ({"FLOW-REVOKE"} if sdk_can_revoke() else set()))


class Store(ListTokenStore):
    """The SDK keeps using the object it passed in (``remove()`` reads its id, ``revoke`` its refresh token)."""

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        with self._lock:
            index = self._matching_index(token)
            return token_from_row(self._rows[index]) if index is not None else None
