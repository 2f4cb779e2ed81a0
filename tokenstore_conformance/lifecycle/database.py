"""A per-store view of Hypothesis's example database."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from hypothesis.database import ExampleDatabase


class PerStoreDatabase(ExampleDatabase):
    """The configured example database, with every key prefixed by the store's own key.

    The state machine is one test for every store, so without this a failure
    saved for one store would be replayed first against every other store.
    """

    def __init__(self, inner: ExampleDatabase, spec: str) -> None:
        super().__init__()
        self.inner = inner
        self.prefix = hashlib.sha256(f"tokenstore-lifecycle:{spec}".encode()).digest()[:16]
        self.replayed = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r}, prefix={self.prefix.hex()})"

    def save(self, key: bytes, value: bytes) -> None:
        self.inner.save(self.prefix + key, value)

    def fetch(self, key: bytes) -> Iterable[bytes]:
        found = list(self.inner.fetch(self.prefix + key))
        self.replayed += len(found)
        return found

    def delete(self, key: bytes, value: bytes) -> None:
        self.inner.delete(self.prefix + key, value)

    def move(self, src: bytes, dest: bytes, value: bytes) -> None:
        self.inner.move(self.prefix + src, self.prefix + dest, value)
