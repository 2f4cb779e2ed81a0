"""File locks keep readers and writers apart, but the JSON file is rewritten in place: a kill mid-write truncates it."""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager

from support.corpus import Expect

from ._json_file import JsonFileStore

EXPECT = Expect(
    fails={"CRASH-DURABLE"},
)


class Store(JsonFileStore):
    tokenstore_concurrency = "processes"

    @contextmanager
    def _locked(self, mode: int):
        fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, mode)
            yield
        finally:
            os.close(fd)

    def _writing(self):
        return self._locked(fcntl.LOCK_EX)

    def _reading(self):
        return self._locked(fcntl.LOCK_SH)

    def _store(self, rows) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # fault: not atomic
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump([list(row) for row in rows], out, indent=1)


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "tokens.json")
