"""A JSON file store that holds a threading.Lock while it rewrites the file, and claims to serve processes."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from support.corpus import Expect

from ._json_file import JsonFileStore

EXPECT = Expect(
    fails={"CONC-PROC-DISTINCT", "CONC-PROC-UPDATE"},
    # Workers refreshing through the SDK save a few ms apart; the file's lost updates hit them only some runs.
    may_also_fail={"FLOW-CONCURRENT-REFRESH"},
)


class Store(JsonFileStore):
    tokenstore_concurrency = "processes"

    def __init__(self, path) -> None:
        self._lock = threading.Lock()  # fault: excludes this process's threads, not other processes
        super().__init__(path)

    @contextmanager
    def _writing(self):
        with self._lock:
            yield


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "tokens.json")
