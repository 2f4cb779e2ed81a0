"""save_token always raises, as a store whose database stays locked would."""

from __future__ import annotations

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.sdk import SDKException


class Store(ListTokenStore):
    """SDK 6.0 and later swallow the exception and only log it, so the login seems to work."""

    def save_token(self, token):
        raise SDKException("TOKEN_STORE", "database is locked")
