"""Writers take a lock and rewrite the JSON file in place; readers take no lock and may read it half written."""

from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager

from support.corpus import Expect

from ._json_file import JsonFileStore

EXPECT = Expect(
    fails={"CONC-THREADS-READ"},
)


class Store(JsonFileStore):
    tokenstore_concurrency = "threads"

    def __init__(self, path) -> None:
        self._lock = threading.Lock()
        super().__init__(path)

    @contextmanager
    def _writing(self):
        with self._lock:
            yield

    def _store(self, rows) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # fault: empty until written
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump([list(row) for row in rows], out, indent=1)


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "tokens.json")
