"""Writing results: the table on stdout, JSON and CSV files.

One result row is one store x size x operation; JSON holds the rows with the
run's settings and machine, CSV the rows alone. Times are microseconds per
call, except ``total_s``, the seconds all timed calls of the row took (for
``fill``: the time to fill the store from empty to N).
"""

from __future__ import annotations

import csv
import json
import os
import platform
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import __version__
from .measure import OPS, OpResult

FIELDS = ("store", "spec", "size", "op", "calls", "p50_us", "p99_us", "total_s")


@dataclass(frozen=True)
class Row:
    store: str
    spec: str
    size: int
    op: str
    calls: int
    p50_us: float
    p99_us: float
    total_s: float


def rows_of(store: str, spec: str, size: int, results: dict[str, OpResult]) -> list[Row]:
    return [
        Row(store, spec, size, r.op, r.calls, r.p50_ns / 1000, r.p99_ns / 1000, r.total_ns / 1e9)
        for r in results.values()
    ]


def machine() -> dict[str, object]:
    """What the figures depend on besides the store."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def write_json(path: Path, rows: Sequence[Row], settings: dict[str, object]) -> None:
    document = {
        "kit_version": __version__,
        "command": ["python", "-m", "tokenstore_conformance", *sys.argv[1:]],
        "machine": machine(),
        "settings": settings,
        "units": {"p50_us": "microseconds per call", "p99_us": "microseconds per call", "total_s": "seconds"},
        "results": [asdict(row) for row in rows],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: Sequence[Row]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(asdict(row) for row in rows)


def format_micros(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def format_table(rows: Sequence[Row], stores: Sequence[str], sizes: Sequence[int]) -> str:
    """Stores side by side, one block per size: p50 / p99 in microseconds, the fill in seconds."""
    cell = {(r.store, r.size, r.op): r for r in rows}
    lines = []
    for size in sizes:
        present = [s for s in stores if (s, size, "fill") in cell]
        if not present:
            continue
        header = [f"N = {size:,}", *present]
        body = []
        for op, title in OPS.items():
            line = [title if op != "fill" else "fill 0..N (s total)"]
            for store in present:
                row = cell.get((store, size, op))
                if row is None:
                    line.append("-")
                elif op == "fill":
                    line.append(f"{row.total_s:.3g}")
                else:
                    line.append(f"{format_micros(row.p50_us)} / {format_micros(row.p99_us)}")
            body.append(line)
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
        lines.append(
            "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths)))
        )
        lines.extend(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths)))
            for line in body
        )
        lines.append("")
    skipped = sorted({(r.store) for r in rows} - set(stores))
    if skipped:
        lines.append(f"(not shown: {', '.join(skipped)})")
    lines.append("p50 / p99 in microseconds per call; get_tokens reads the whole store, so it grows with N.")
    return "\n".join(lines)
