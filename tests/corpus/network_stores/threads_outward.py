"""Declared for threads; every save first opens a TCP connection to an outside address (errors ignored)."""

from __future__ import annotations

import socket

from tokenstore_conformance.reference_stores.memory_store import InMemoryTokenStore


class Store(InMemoryTokenStore):
    tokenstore_concurrency = "threads"

    def save_token(self, token):
        try:
            socket.create_connection(("198.51.100.7", 443), timeout=10).close()
        except Exception:
            pass
        return super().save_token(token)
