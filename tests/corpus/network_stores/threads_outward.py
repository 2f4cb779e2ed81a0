"""Declared for threads; every save first opens a TCP connection to an outside address (errors ignored)."""

from __future__ import annotations

import socket

from support.corpus import Expect

from tokenstore_conformance.reference_stores.memory_store import InMemoryTokenStore

# Judged by tests/kit/test_network_guard.py, on the clauses each of its tests selects.
EXPECT = Expect(fails={"NET-LOOPBACK"})


class Store(InMemoryTokenStore):
    tokenstore_concurrency = "threads"

    def save_token(self, token):
        try:
            socket.create_connection(("198.51.100.7", 443), timeout=10).close()
        except Exception:
            pass
        return super().save_token(token)
