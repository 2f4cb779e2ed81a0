"""save_token always raises, as a store whose database stays locked would."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.sdk import SDKException

# Judged on the first login alone (``-k first_login`` in tests/kit/test_sdk_flow.py), where the SDK
# swallows the error: every other flow saves too and fails with it, in ways that vary by SDK major.
EXPECT = Expect(fails={"FLOW-LOGIN"})


class Store(ListTokenStore):
    """SDK 6.0 and later swallow the exception and only log it, so the login seems to work."""

    def save_token(self, token):
        raise SDKException("TOKEN_STORE", "database is locked")
