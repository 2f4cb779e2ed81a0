"""The SDK's own FileStore (a CSV file rewritten in place on every save), declared fit for processes.

Unlike the other stores here it also fails single-threaded clauses (its
find_token_by_id raises on a miss, and it keeps the header row); it is here
because applications use it from several workers.
"""

from __future__ import annotations

from support.corpus import Expect
from zohocrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore

# Rewritten in place and read without a lock: everything but CONC-PROC-VISIBLE (it keeps no copy).
EXPECT = Expect(
    fails={
        "CONC-THREADS-DISTINCT",
        "CONC-THREADS-SAME-USER",
        "CONC-THREADS-READ",
        "CONC-PROC-DISTINCT",
        "CONC-PROC-SAME-USER",
        "CONC-PROC-READ",
        "CONC-PROC-UPDATE",
        "CRASH-DURABLE",
        "FLOW-CONCURRENT-REFRESH",
    },
)


def make_store(tmp_path) -> FileStore:
    return FileStore(str(tmp_path / "tokens.csv"))


make_store.tokenstore_persistent = True
make_store.tokenstore_concurrency = "processes"
