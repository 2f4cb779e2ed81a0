"""Correct: a JSON file changed under an exclusive file lock and replaced by an atomic rename."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager

from support.corpus import Expect

from ._json_file import JsonFileStore

EXPECT = Expect()


class Store(JsonFileStore):
    """The lock file, not the data file, is locked: the data file is replaced, the lock file never is.

    Readers take no lock: a rename swaps the whole file at once, so they read the
    old version or the new one, never a mix.
    """

    tokenstore_concurrency = "processes"

    @contextmanager
    def _writing(self):
        fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "tokens.json")
