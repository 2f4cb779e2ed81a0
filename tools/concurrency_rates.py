"""How reliably the concurrency clauses judge the corpus: catch rates of broken stores, pass rates of correct ones.

    python tools/concurrency_rates.py                 # 20 runs per broken store, 50 per correct one
    python tools/concurrency_rates.py --runs 5 lost_update sqlite_immediate

Every applicable concurrency clause runs on each store through the engine the
contract tests use (one launcher for the whole measurement), and each run is
tallied: a broken store is *caught* when a clause fails, *exact* when every
clause of its EXPECT's ``fails`` failed and nothing outside them and its
``may_also_fail`` did; a correct store passes when none fails. Run it from the
repository root; the stores are imported from tests/.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path[:0] = [str(TESTS / "corpus"), str(TESTS)]

from support.corpus import Expect, discover  # noqa: E402

from tokenstore_conformance.concurrency import (  # noqa: E402
    CHECKS,
    Target,
    applicable,
    refresh,
    run_check,
    shutdown,
)
from tokenstore_conformance.sdkflow.fakezoho import FakeZoho  # noqa: E402
from tokenstore_conformance.target.spec import load_spec  # noqa: E402

REFERENCE = [
    "tokenstore_conformance.reference_stores.sqlite_store:tmp_path_store",
    "tokenstore_conformance.reference_stores.memory_store:InMemoryTokenStore",
    "tokenstore_conformance.reference_stores.list_store:ListTokenStore",
]


def corpus() -> list[tuple[str, str, Expect]]:
    """(name, spec, what it declares) of every store measured; a reference store declares nothing."""
    stores = [(store.name, store.spec, store.expect) for store in discover("concurrency_stores")]
    return stores + [(spec.split(":")[0].split(".")[-1], spec, Expect()) for spec in REFERENCE]


def clauses_for(spec: str) -> list[str]:
    resolved = load_spec(spec, 10.0)
    with tempfile.TemporaryDirectory() as scratch:
        built = resolved.build(lambda: Path(scratch))
        try:
            level = resolved.concurrency(built.store)
            persistent = resolved.persistent(built.store)
        finally:
            built.close()
    return [c for c in CHECKS if applicable(c, level, persistent) is None]


def _run(clause: str, target: Target):
    if clause != refresh.CLAUSE:
        return run_check(clause, target)
    with FakeZoho(token_lifetime=3600) as zoho:
        return refresh.check(target, zoho)


def measure(name: str, spec: str, expect: Expect, runs: int) -> dict:
    clauses = clauses_for(spec)
    expected, may_also = expect.fails, expect.may_also_fail
    failed = Counter()
    caught = exact = 0
    seconds = []
    examples: dict[str, str] = {}
    for _ in range(runs):
        run_failed = set()
        started = time.monotonic()
        for clause in clauses:
            with tempfile.TemporaryDirectory() as tmp:
                outcome = _run(clause, Target(spec, 10.0, tmp))
            if not outcome.passed:
                run_failed.add(clause)
                examples.setdefault(
                    clause,
                    outcome.message.splitlines()[1][:300]
                    if len(outcome.message.splitlines()) > 1
                    else outcome.message,
                )
        seconds.append(time.monotonic() - started)
        failed.update(run_failed)
        caught += bool(run_failed)
        exact += expected <= run_failed <= expected | may_also
    return {
        "store": name,
        "kind": "broken" if expected else "correct",
        "runs": runs,
        "caught" if expected else "passed": caught if expected else runs - caught,
        "exact": exact,
        "expected": sorted(expected),
        "failed": dict(sorted(failed.items())),
        "seconds_per_run": round(sum(seconds) / len(seconds), 2),
        "examples": examples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="*", help="store names (default: all)")
    parser.add_argument("--runs", type=int, help="runs per store (default: 20 broken, 50 correct)")
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    rows = []
    try:
        for name, spec, expect in corpus():
            if options.stores and name not in options.stores:
                continue
            expected = expect.fails
            runs = options.runs or (20 if expected else 50)
            row = measure(name, spec, expect, runs)
            rows.append(row)
            verdict = f"caught {row['caught']}/{runs}" if expected else f"passed {row['passed']}/{runs}"
            print(
                f"{name:28} {verdict:14} exact {row['exact']}/{runs}  failed {row['failed']}  "
                f"{row['seconds_per_run']}s/run",
                flush=True,
            )
    finally:
        shutdown()
    if options.json:
        Path(options.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
