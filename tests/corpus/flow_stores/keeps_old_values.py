"""An update only fills the fields a record lacks: a value once stored is never replaced."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import ID, row_from_token
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(fails={"FLOW-EXPIRY", "FLOW-USERS", "FLOW-DC"})


class Store(ListTokenStore):
    """A refreshed access token and its new expiry are dropped, so the old, expired ones stay."""

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._lock:
            index = self._matching_index(token)
            if index is None:
                super().save_token(token)
                return
            stored = self._rows[index]
            incoming = row_from_token(token)
            self._rows[index] = tuple(
                old if old is not None else new for old, new in zip(stored, incoming, strict=False)
            )
            if token.get_id() is None:
                token.set_id(stored[ID])
