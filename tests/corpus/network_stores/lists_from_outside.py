"""get_tokens asks a server outside the machine, so the kit's start-up check cannot even begin."""

from __future__ import annotations

import urllib.request

from support.corpus import Expect

from tokenstore_conformance.reference_stores.memory_store import InMemoryTokenStore

# get_tokens reaches outside at the start-up check, so the kit refuses the store
# (tests/kit/test_network_guard.py); with --tokenstore-allow-existing the connection is NET-LOOPBACK's fault.
EXPECT = Expect(fails={"NET-LOOPBACK"}, refused_without_allow_existing=True)

DIRECT = urllib.request.build_opener(
    urllib.request.ProxyHandler({})
)  # the address itself, whatever the proxy


class Store(InMemoryTokenStore):
    def get_tokens(self):
        with DIRECT.open("http://198.51.100.7:8080/tokens", timeout=10) as answer:
            return answer.read() and []
