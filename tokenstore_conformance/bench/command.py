"""``python -m tokenstore_conformance bench``: options, the run, and its exit codes.

Exit codes: 0 done, including sizes left out because a store ran out of
--size-budget (a slow store is not a failing one; the table says which);
1 a store raised or answered wrongly while measured; 2 usage error (options,
a SPEC that does not load or build, --plot without matplotlib); 4 a store
already held tokens, so nothing was written to it; 130 interrupted (Ctrl-C),
after printing and writing what was measured until then, as a shell reports
a command stopped by SIGINT.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..flags import STORES, flag
from .baseline import raw_select_us
from .loading import (
    BenchUsageError,
    StoreFailed,
    StoreRefused,
    Target,
    load_target,
    refuse_if_not_empty,
    scratch_directory,
)
from .progress import Progress
from .report import Gap, Row, format_table, write_csv, write_json
from .sizes import SizeStopped, after_budget, measure

EXIT_OK, EXIT_STORE_FAILED, EXIT_USAGE, EXIT_NOT_EMPTY, EXIT_INTERRUPTED = 0, 1, 2, 4, 130
DEFAULT_SIZE_BUDGET = 600.0  # seconds: ample for a store fit for production, short of a night's run


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure what each TokenStore call costs as the store grows",
        description="Fill each store to each size and time single calls of every method (p50 and p99). "
        "Exit codes: 0 done (also when --size-budget left sizes out), 1 a store failed, 2 usage error, "
        "4 a store was not empty, 130 interrupted (Ctrl-C; what was measured is printed and written).",
    )
    parser.add_argument(
        "specs",
        nargs="+",
        metavar="SPEC",
        help=f"[LABEL=]MODULE:ATTRIBUTE, as for {flag(STORES)} (a class or factory)",
    )
    parser.add_argument(
        "--sizes", type=sizes_list, default=[100, 1000, 10000], help="store sizes N (default 100,1000,10000)"
    )
    parser.add_argument("--repeat", type=positive, default=5, help="timed rounds per size (default 5)")
    parser.add_argument(
        "--batch", type=positive, default=100, help="calls of each operation per round (default 100)"
    )
    parser.add_argument(
        "--max-size",
        action="append",
        default=[],
        metavar="LABEL=N",
        help="skip sizes above N for one store (for slow stores; repeatable)",
    )
    parser.add_argument(
        "--size-budget",
        type=seconds,
        default=DEFAULT_SIZE_BUDGET,
        metavar="SECONDS",
        help="most time one store may spend at one size, fill and rounds together; past it that size and "
        f"the larger ones are not measured for that store (default {DEFAULT_SIZE_BUDGET:g}; 0: no limit)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="write the results as CSV")
    parser.add_argument(
        "--plot", type=Path, metavar="FILE.png", help="draw cost against N (needs matplotlib)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run)


def sizes_list(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give sizes as comma-separated numbers, e.g. 100,1000"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: sizes must be whole numbers of at least 1")
    return sorted(set(sizes))


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of at least 1")
    return int(text)


def seconds(text: str) -> float | None:
    """A budget in seconds; 0 means none (None)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds, e.g. 600 (0 for no limit)")
    return value or None


@dataclass
class Results:
    """What the run measured so far, and what it did not; printed and written even after Ctrl-C."""

    rows: list[Row] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    floor: list[dict[str, float]] = field(default_factory=list)
    at: tuple[Target, int] | None = None  # the store and size being measured
    interrupted: bool = False


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except KeyboardInterrupt:  # outside the measuring (loading or checking the stores): nothing to show
        print("bench: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BenchUsageError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreRefused as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return EXIT_NOT_EMPTY
    except StoreFailed as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return EXIT_STORE_FAILED


def _run(args: argparse.Namespace) -> int:
    if args.plot is not None:
        from .plot import require_matplotlib

        require_matplotlib()
    for option in ("json", "csv", "plot"):
        path = getattr(args, option)
        if path is not None and not path.parent.is_dir():
            raise BenchUsageError(
                f"--{option} {path}: the directory {path.parent} does not exist; create it first"
            )
    targets = _targets(args.specs)
    caps = _caps(args.max_size, targets)
    for target in targets:
        refuse_if_not_empty(target)
    progress = Progress(enabled=not args.quiet)
    results = Results()
    try:
        _measure_all(args, targets, caps, progress, results)
    except KeyboardInterrupt as exc:
        progress.clear()
        _mark_interrupted(results, exc)
    _report(args, targets, caps, results)
    if results.interrupted:
        print(f"bench: interrupted{_where(results)}; the results above stop there", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def _measure_all(
    args: argparse.Namespace,
    targets: Sequence[Target],
    caps: dict[str, int],
    progress: Progress,
    results: Results,
) -> None:
    with scratch_directory() as directory:
        results.floor.append(raw_select_us(directory))
    spent: dict[str, int] = {}  # store label -> the size at which its budget ran out
    for size in args.sizes:
        for target in targets:  # stores take turns at each size, so load on the machine is shared
            if size > caps.get(target.label, size):
                continue
            if target.label in spent:
                results.gaps.append(after_budget(target, size, spent[target.label], args.size_budget))
                continue
            results.at = (target, size)
            try:
                results.rows += measure(target, size, args.repeat, args.batch, progress, args.size_budget)
            except SizeStopped as stopped:
                results.gaps.append(stopped.gap)
                spent[target.label] = size
    results.at = None
    with scratch_directory() as directory:
        results.floor.append(raw_select_us(directory))


def _mark_interrupted(results: Results, exc: KeyboardInterrupt) -> None:
    results.interrupted = True
    gap = getattr(exc, "gap", None)
    if gap is None and results.at is not None:  # while a store was built, checked or cleaned up
        target, size = results.at
        gap = Gap(
            target.label,
            target.spec,
            size,
            "interrupted",
            "while its store was built, checked or emptied",
            0,
            0.0,
        )
    if gap is not None:
        results.gaps.append(gap)


def _where(results: Results) -> str:
    gap = next((g for g in results.gaps if g.cause == "interrupted"), None)
    return "" if gap is None else f" at {gap.store} N={gap.size:,} ({gap.detail})"


def _report(
    args: argparse.Namespace, targets: Sequence[Target], caps: dict[str, int], results: Results
) -> None:
    """The table on stdout and the files asked for, from what was measured, complete or not."""
    labels = [t.label for t in targets]
    if results.rows or results.gaps:
        print(format_table(results.rows, labels, args.sizes, results.gaps))
    if results.floor:
        print(_floor_line(results.floor))
    skipped = {label: cap for label, cap in caps.items() if cap < max(args.sizes)}
    for label, cap in skipped.items():
        print(f"{label}: sizes above {cap:,} skipped (--max-size)")
    settings = {"sizes": args.sizes, "repeat": args.repeat, "batch": args.batch, "max_size": skipped}
    settings["size_budget_s"] = args.size_budget
    settings["stores"] = {t.label: t.spec for t in targets}
    settings["raw_select_us"] = dict(zip(("before", "after"), results.floor, strict=False))
    if args.json is not None:
        write_json(args.json, results.rows, settings, results.gaps, results.interrupted)
    if args.csv is not None:
        write_csv(args.csv, results.rows)
    if args.plot is not None:
        from .plot import write_plot

        write_plot(args.plot, results.rows, labels)


def _floor_line(floor: Sequence[dict[str, float]]) -> str:
    when = "before / after the stores" if len(floor) == 2 else "before the stores"
    wal = " / ".join(f"{f['sqlite_wal_file']:.2f}" for f in floor)
    memory = " / ".join(f"{f['sqlite_memory']:.2f}" for f in floor)
    return (
        f"raw sqlite3 indexed SELECT of one row, in this run ({when}): "
        f"{wal} us on a WAL file, {memory} us in :memory:"
    )


def _targets(specs: Sequence[str]) -> list[Target]:
    targets = [load_target(spec) for spec in specs]
    labels = [t.label for t in targets]
    # Two stores named alike by their attribute (two tmp_path_store factories) keep their full SPEC.
    targets = [
        Target(t.spec, t.spec, t.loaded) if labels.count(t.label) > 1 and "=" not in s else t
        for t, s in zip(targets, specs, strict=True)
    ]
    labels = [t.label for t in targets]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise BenchUsageError(
            f"more than one store is called {duplicates[0]!r}; give each a label (LABEL=SPEC)"
        )
    return targets


def _caps(values: Sequence[str], targets: Sequence[Target]) -> dict[str, int]:
    known = {t.label for t in targets} | {t.spec for t in targets}
    caps = {}
    for value in values:
        name, _, number = value.rpartition("=")
        if name not in known or not number.isdigit():
            raise BenchUsageError(
                f"--max-size {value!r}: expected LABEL=N with a store's label or SPEC, e.g. FileStore=1000"
            )
        label = next(t.label for t in targets if name in (t.label, t.spec))
        caps[label] = int(number)
    return caps
