"""save_token refreshes the token at an outside address first and lets the refused connection escape."""

from __future__ import annotations

import urllib.request

from support.corpus import Expect

from tokenstore_conformance.reference_stores.memory_store import InMemoryTokenStore

# Judged by tests/kit/test_network_guard.py, on the clauses each of its tests selects.
EXPECT = Expect(fails={"NET-LOOPBACK"})

OUTSIDE = "https://198.51.100.7/oauth/v2/token"  # TEST-NET-2: documentation only, never routed
DIRECT = urllib.request.build_opener(
    urllib.request.ProxyHandler({})
)  # the address itself, whatever the proxy


class Store(InMemoryTokenStore):
    def save_token(self, token):
        DIRECT.open(OUTSIDE, data=b"grant_type=refresh_token", timeout=10)
        return super().save_token(token)
