"""get_tokens asks a server outside the machine, so the kit's start-up check cannot even begin."""

from __future__ import annotations

import urllib.request

from tokenstore_conformance.reference_stores.memory_store import InMemoryTokenStore

DIRECT = urllib.request.build_opener(
    urllib.request.ProxyHandler({})
)  # the address itself, whatever the proxy


class Store(InMemoryTokenStore):
    def get_tokens(self):
        with DIRECT.open("http://198.51.100.7:8080/tokens", timeout=10) as answer:
            return answer.read() and []
