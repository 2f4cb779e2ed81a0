"""Saving user 2 calls Zoho's accounts server; the error is caught and logged, the save goes on.

NET-LOOPBACK's own test saves only user 1, so here the attempt is seen in the
tests of other clauses alone, which pass.
"""

from __future__ import annotations

import logging
import urllib.request

from support.corpus import Expect

from tokenstore_conformance.reference_stores.memory_store import InMemoryTokenStore

# Judged by tests/kit/test_network_guard.py, on the clauses each of its tests selects.
EXPECT = Expect(fails={"NET-LOOPBACK"})

log = logging.getLogger(__name__)
DIRECT = urllib.request.build_opener(
    urllib.request.ProxyHandler({})
)  # the address itself, whatever the proxy


class Store(InMemoryTokenStore):
    def save_token(self, token):
        signature = getattr(token, "get_user_signature", lambda: None)()
        if signature is not None and signature.get_name() == "user2@example.test":
            try:
                DIRECT.open("https://accounts.zoho.com/oauth/v2/token", data=b"x", timeout=10)
            except Exception as exc:
                log.warning("refresh failed: %s", exc)
        return super().save_token(token)
