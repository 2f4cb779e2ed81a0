"""``python -m tokenstore_conformance bench``: options, the run, and its exit codes.

Exit codes: 0 done; 1 a store raised or answered wrongly while measured;
2 usage error (options, a SPEC that does not load or build, --plot without
matplotlib); 4 a store already held tokens, so nothing was written to it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .baseline import raw_select_us
from .loading import (
    BenchUsageError,
    StoreFailed,
    StoreRefused,
    Target,
    held_tokens,
    load_target,
    open_store,
    refuse_if_not_empty,
    scratch_directory,
)
from .measure import SizeRun
from .progress import Progress
from .report import Row, format_table, rows_of, write_csv, write_json

EXIT_OK, EXIT_STORE_FAILED, EXIT_USAGE, EXIT_NOT_EMPTY = 0, 1, 2, 4


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure what each TokenStore call costs as the store grows",
        description="Fill each store to each size and time single calls of every method (p50 and p99). "
        "Exit codes: 0 done, 1 a store failed, 2 usage error, 4 a store was not empty.",
    )
    parser.add_argument(
        "specs",
        nargs="+",
        metavar="SPEC",
        help="[LABEL=]MODULE:ATTRIBUTE, as for --tokenstore (a class or factory)",
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


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
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
    with scratch_directory() as directory:
        floor = [raw_select_us(directory)]
    rows: list[Row] = []
    for size in args.sizes:
        for target in targets:  # stores take turns at each size, so load on the machine is shared
            if size <= caps.get(target.label, size):
                rows += measure(target, size, args.repeat, args.batch, progress)
    with scratch_directory() as directory:
        floor.append(raw_select_us(directory))
    labels = [t.label for t in targets]
    print(format_table(rows, labels, args.sizes))
    print(
        "raw sqlite3 indexed SELECT of one row, in this run (before / after the stores): "
        f"{floor[0]['sqlite_wal_file']:.2f} / {floor[1]['sqlite_wal_file']:.2f} us on a WAL file, "
        f"{floor[0]['sqlite_memory']:.2f} / {floor[1]['sqlite_memory']:.2f} us in :memory:"
    )
    skipped = {label: cap for label, cap in caps.items() if cap < max(args.sizes)}
    for label, cap in skipped.items():
        print(f"{label}: sizes above {cap:,} skipped (--max-size)")
    settings = {"sizes": args.sizes, "repeat": args.repeat, "batch": args.batch, "max_size": skipped}
    settings["stores"] = {t.label: t.spec for t in targets}
    settings["raw_select_us"] = {"before": floor[0], "after": floor[1]}
    if args.json is not None:
        write_json(args.json, rows, settings)
    if args.csv is not None:
        write_csv(args.csv, rows)
    if args.plot is not None:
        from .plot import write_plot

        write_plot(args.plot, rows, labels)
    return EXIT_OK


def measure(target: Target, size: int, repeat: int, batch: int, progress: Progress) -> list[Row]:
    """One store at one size, from a fresh store in a fresh directory; what it wrote is deleted."""
    with scratch_directory() as directory, open_store(target, directory) as store:
        held = held_tokens(target, store)
        if held:
            raise StoreRefused(
                f"SPEC {target.spec!r}: a new store holds {held} token(s) before size {size:,}; "
                "its storage is shared and was not emptied, so the bench stops"
            )
        try:
            results = SizeRun(target.label, store, size, progress).run(repeat, batch)
        finally:
            try:
                store.delete_tokens()  # a store without tmp_path may keep its data between instances
            except Exception:
                pass
    return rows_of(target.label, target.spec, size, results)


def _targets(specs: Sequence[str]) -> list[Target]:
    targets = [load_target(spec) for spec in specs]
    labels = [t.label for t in targets]
    # Two stores named alike by their attribute (two tmp_path_store factories) keep their full SPEC.
    targets = [
        Target(t.spec, t.spec, t.loaded) if labels.count(t.label) > 1 and "=" not in s else t
        for t, s in zip(targets, specs)
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
