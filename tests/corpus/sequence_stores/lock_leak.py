"""From three records on, a find_token miss returns before releasing the store's lock, so the next call waits forever."""

from __future__ import annotations

import threading

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import fill_token
from tokenstore_conformance.sdk import OAuthToken

# The lifecycle test stops at the first call that does not return (tests/kit/test_lifecycle.py
# gives it a short --tokenstore-timeout); a hang names no clause in the LIFECYCLE row.
EXPECT = Expect(fails={"LIFECYCLE"})


class Store(ListTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        self._lock.acquire()
        index = self._matching_index(token)
        if index is None and len(self._rows) >= 3:
            return None
        try:
            return fill_token(token, self._rows[index]) if index is not None else None
        finally:
            self._lock.release()
