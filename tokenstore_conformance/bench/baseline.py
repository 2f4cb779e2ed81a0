"""What one bare indexed SELECT costs on this machine: the floor under an SQL store's lookup.

Measured in the same run as the stores (before and after them), so a store's
find can be read against it whatever the machine and its load: an SQLite
store cannot find a token faster than one SELECT of its row on a connection
that is already open.
"""

from __future__ import annotations

import sqlite3
import statistics
from pathlib import Path
from time import perf_counter_ns

COLUMNS = 10
ROWS = 1000
BATCHES, BATCH = 40, 50


def raw_select_us(directory: Path) -> dict[str, float]:
    """Median µs per ``SELECT <10 columns> WHERE user_name = ?`` on a WAL file and in ``:memory:``."""
    return {
        "sqlite_wal_file": _median_select(str(directory / "raw-select.db")),
        "sqlite_memory": _median_select(":memory:"),
    }


def _median_select(path: str) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        if path != ":memory:":
            connection.execute("PRAGMA journal_mode = WAL").fetchone()
            connection.execute("PRAGMA synchronous = NORMAL")
        columns = ", ".join(f"c{i} TEXT" for i in range(2, COLUMNS))
        connection.execute(f"CREATE TABLE t (id TEXT PRIMARY KEY, user_name TEXT, {columns})")
        connection.execute("CREATE UNIQUE INDEX t_user_name ON t (user_name)")
        row = ["1000." + "x" * 65] * (COLUMNS - 2)
        connection.execute("BEGIN")
        connection.executemany(
            f"INSERT INTO t VALUES ({', '.join('?' * COLUMNS)})",
            ((f"{n:032x}", f"user{n}@example.test", *row) for n in range(ROWS)),
        )
        connection.execute("COMMIT")
        statement = "SELECT * FROM t WHERE user_name = ? LIMIT 1"
        names = [(f"user{(n * 7919) % ROWS}@example.test",) for n in range(BATCH)]
        per_call = []
        for batch in range(BATCHES + 1):
            start = perf_counter_ns()
            for name in names:
                connection.execute(statement, name).fetchone()
            if batch:  # the first batch is the warm-up
                per_call.append((perf_counter_ns() - start) / BATCH / 1000)
        return statistics.median(per_call)
    finally:
        connection.close()
