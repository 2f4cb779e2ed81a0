"""Which faulty stores the lifecycle test catches in its default profile, seed by seed.

    python tools/lifecycle_catch_table.py [--seeds 0-5] [--jobs 2] [SPEC ...]

Without SPECs it takes every store of ``tests/corpus/sequence_stores/`` and every
broken store of ``tests/corpus/broken_stores/`` whose ``EXPECT`` names the clauses
a lifecycle failure may name (``lifecycle``: the faults the state machine must find). For each seed it runs the kit once,
``-k test_lifecycle --tokenstore-profile=fast --tokenstore-seed=N``, from an
empty directory, and reads the LIFECYCLE row of the clause table. Prints a
Markdown table (one row per store, one column per seed) and the wall time of
each run. Exits 1 if any store passed at any seed. Not a test: pytest does
not collect it; the default seed is enforced by ``tests/kit/test_lifecycle.py``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent.parent / "tests"
CORPUS_DIR = TESTS_DIR / "corpus"
ROW = re.compile(r"^LIFECYCLE\s+MUST\s+(?P<cells>.+)$")


def default_specs() -> list[str]:
    """Every sequence store, then every broken store whose EXPECT declares ``lifecycle``."""
    sys.path[:0] = [str(CORPUS_DIR), str(TESTS_DIR)]
    from support.corpus import discover

    sequence = [store.spec for store in discover("sequence_stores")]
    return sequence + [store.spec for store in discover("broken_stores") if store.expect.lifecycle]


def seeds_of(text: str) -> list[int]:
    """``0-5`` or ``0,3,7``."""
    if "-" in text:
        first, _, last = text.partition("-")
        return list(range(int(first), int(last) + 1))
    return [int(part) for part in text.split(",")]


def run(specs: list[str], seed: int, jobs: int) -> tuple[list[str], float]:
    """The LIFECYCLE verdict of each store at ``seed``, and the run's wall time."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        *(f"--tokenstore={spec}" for spec in specs),
        "--tokenstore-profile=fast",
        f"--tokenstore-seed={seed}",
        "-k",
        "test_lifecycle",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "-q",
        "--tb=no",
        *(("-n", str(jobs)) if jobs > 1 else ()),
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(CORPUS_DIR), str(TESTS_DIR), os.environ.get("PYTHONPATH")])
        ),
    }
    env.pop("TOKENSTORE", None)
    with tempfile.TemporaryDirectory(prefix="catch-table-") as empty:
        started = time.monotonic()
        done = subprocess.run(command, cwd=empty, env=env, text=True, capture_output=True, check=False)
        seconds = time.monotonic() - started
    for line in done.stdout.splitlines():
        match = ROW.match(line.strip())
        if match:
            cells = match["cells"].split()[: len(specs)]
            if len(cells) == len(specs):
                return cells, seconds
    raise SystemExit(
        f"no LIFECYCLE row in the output of seed {seed}:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "specs", nargs="*", help="stores to run (default: the sequence and adversarial corpus)"
    )
    parser.add_argument("--seeds", default="0-5", help="seeds to run, as 0-5 or 0,3,7 (default 0-5)")
    parser.add_argument("--jobs", type=int, default=1, help="pytest-xdist workers per run (default 1)")
    options = parser.parse_args()
    specs = options.specs or default_specs()
    seeds = seeds_of(options.seeds)
    verdicts: dict[int, list[str]] = {}
    times: dict[int, float] = {}
    for seed in seeds:
        verdicts[seed], times[seed] = run(specs, seed, options.jobs)
        print(f"seed {seed}: {times[seed]:.0f}s", file=sys.stderr)
    mark = {"failed": "caught", "passed": "MISSED"}
    print("| store | " + " | ".join(f"seed {s}" for s in seeds) + " |")
    print("|---|" + "---|" * len(seeds))
    for index, spec in enumerate(specs):
        cells = [mark.get(verdicts[s][index], verdicts[s][index]) for s in seeds]
        print(f"| `{spec.split(':')[0]}` | " + " | ".join(cells) + " |")
    caught = sum(verdicts[s][i] == "failed" for s in seeds for i in range(len(specs)))
    print(f"\ncaught {caught}/{len(specs) * len(seeds)} (store, seed) pairs")
    print("wall time per run: " + ", ".join(f"seed {s} {times[s]:.0f}s" for s in seeds))
    return 0 if caught == len(specs) * len(seeds) else 1


if __name__ == "__main__":
    raise SystemExit(main())
