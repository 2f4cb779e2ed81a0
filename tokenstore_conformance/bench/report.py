"""Writing results: the table on stdout, JSON and CSV files.

One result row is one store x size x operation; JSON holds the rows with the
run's settings and machine, and the store x sizes that were not measured and
why; CSV the rows alone. Times are microseconds per
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


@dataclass(frozen=True)
class Gap:
    """A store and size without figures, and why: the table and the JSON say so rather than leave a hole.

    ``cause`` is ``size_budget`` (this size ran out of --size-budget),
    ``after_size_budget`` (a smaller size did, so this one was not started)
    or ``interrupted`` (Ctrl-C); ``filled`` and ``seconds`` are how far the
    size got, ``detail`` says it in words.
    """

    store: str
    spec: str
    size: int
    cause: str
    detail: str
    filled: int
    seconds: float


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


def write_json(
    path: Path,
    rows: Sequence[Row],
    settings: dict[str, object],
    gaps: Sequence[Gap] = (),
    interrupted: bool = False,
) -> None:
    document = {
        "kit_version": __version__,
        "command": ["python", "-m", "tokenstore_conformance", *sys.argv[1:]],
        "machine": machine(),
        "settings": settings,
        "units": {"p50_us": "microseconds per call", "p99_us": "microseconds per call", "total_s": "seconds"},
        "results": [asdict(row) for row in rows],
        "not_measured": [asdict(gap) for gap in gaps],
        "interrupted": interrupted,
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: Sequence[Row]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(asdict(row) for row in rows)


UNITS = (("µs", 1.0), ("ms", 1e3), ("s", 1e6))  # a unit and how many microseconds it holds
NOT_MEASURED = {
    "size_budget": "not measured",
    "after_size_budget": "not measured",
    "interrupted": "interrupted",
}


def table_unit(rows: Sequence[Row]) -> tuple[str, float]:
    """The largest unit in which every p50 of a table is at least 1.

    A table never shows ``0.004 ms`` next to ``26.3 ms``: it stays in µs
    (``4.20`` next to ``26,274``) unless every figure is a millisecond or
    more, and then reads in ms with fewer digits.
    """
    smallest = min((r.p50_us for r in rows), default=0.0)
    chosen = UNITS[0]
    for unit in UNITS:
        if smallest >= unit[1]:
            chosen = unit
    return chosen


def format_figure(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def format_seconds(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def format_table(
    rows: Sequence[Row], stores: Sequence[str], sizes: Sequence[int], gaps: Sequence[Gap] = ()
) -> str:
    """Stores side by side, one block per size, every figure of a block in the one unit its header names.

    The fill's total seconds are a line under the block rather than a row of
    it, and a store that was not measured at a size says why under the block.
    """
    cell = {(r.store, r.size, r.op): r for r in rows}
    missing = {(g.store, g.size): g for g in gaps}
    lines = []
    for size in sizes:
        present = [s for s in stores if (s, size, "fill") in cell or (s, size) in missing]
        if present:
            lines += _block(size, present, [r for r in rows if r.size == size], missing)
    skipped = sorted({(r.store) for r in rows} - set(stores))
    if skipped:
        lines.append(f"(not shown: {', '.join(skipped)})")
    lines.append("get_tokens reads the whole store, so it grows with N.")
    return "\n".join(lines)


def _block(
    size: int, stores: Sequence[str], rows: Sequence[Row], missing: dict[tuple[str, int], Gap]
) -> list[str]:
    notes = [
        f"{s}: {NOT_MEASURED[missing[s, size].cause]}: {missing[s, size].detail}"
        for s in stores
        if (s, size) in missing
    ]
    if not rows:
        return [f"N = {size:,}", *notes, ""]
    cell = {(r.store, r.op): r for r in rows}
    unit, scale = table_unit(rows)
    header = [f"N = {size:,} (p50 / p99, {unit} per call)", *stores]
    body = []
    for op, title in OPS.items():
        line = [title if op != "fill" else "fill 0..N (each save)"]
        for store in stores:
            row = cell.get((store, op))
            if row is not None:
                line.append(f"{format_figure(row.p50_us / scale)} / {format_figure(row.p99_us / scale)}")
            elif op == "fill" and (store, size) in missing:
                line.append(NOT_MEASURED[missing[store, size].cause])
            else:
                line.append("-")
        body.append(line)
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=False))
        )
        for line in [header, *body]
    ]
    totals = [f"{s} {format_seconds(cell[s, 'fill'].total_s)} s" for s in stores if (s, "fill") in cell]
    if totals:
        lines.append(f"fill 0..N took, in total: {', '.join(totals)}")
    return [*lines, *notes, ""]
