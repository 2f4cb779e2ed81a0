"""A JSON file rewritten whole on every save, with no lock: a thread's save writes over another's."""

from __future__ import annotations

from support.corpus import Expect

from ._json_file import JsonFileStore

EXPECT = Expect(
    fails={"CONC-THREADS-DISTINCT"},
)


class Store(JsonFileStore):
    """Replaced atomically, so never torn; but read, changed and written back with nothing held."""

    tokenstore_concurrency = "threads"


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "tokens.json")
