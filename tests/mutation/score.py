"""Mutation score of each reference store under the kit's contract suite, measured with mutmut 3.

Run from the repository root (``tox -e mutation`` does). For each reference
store, mutmut mutates ``tokenstore_conformance/reference_stores/`` and runs the whole contract suite
(``[tool.mutmut]`` in pyproject.toml) with ``TOKENSTORE`` naming that store
alone; a store's score counts only the mutants in the modules it runs, so the
list store is not credited for SQL it never executes.

Prints a Markdown table and every surviving mutant's diff. ``docs/mutation.md``
records the figures and says why each survivor is equivalent.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

STORES = {
    "list_store": (
        "tokenstore_conformance.reference_stores.list_store:ListTokenStore",
        ("records", "list_store"),
    ),
    "memory_store": (
        "tokenstore_conformance.reference_stores.memory_store:InMemoryTokenStore",
        ("records", "sql", "memory_store"),
    ),
    "sqlite_store": (
        "tokenstore_conformance.reference_stores.sqlite_store:tmp_path_store",
        ("records", "sql", "sqlite_store"),
    ),
}
RESULT = re.compile(
    r"^\s*(?P<name>(?:tokenstore_conformance\.)?reference_stores\.(?P<module>\w+)\.\S+): (?P<status>.+)$"
)
# A timeout is a detection too: the contract's calls did not return.
KILLED = {"killed", "timeout"}


def mutmut(*args: str, spec: str, capture: bool = False) -> str:
    """Run mutmut on one store; its progress goes to stderr, so stdout carries only the report."""
    command = [sys.executable, "-m", "mutmut", *args]
    env = {**os.environ, "TOKENSTORE": spec}
    out = subprocess.PIPE if capture else sys.stderr
    done = subprocess.run(command, env=env, check=True, text=True, stdout=out)
    return done.stdout if capture else ""


def score(name: str, spec: str, modules: tuple[str, ...]) -> tuple[Counter, list[str], float]:
    shutil.rmtree("mutants", ignore_errors=True)
    started = time.monotonic()
    mutmut("run", "--max-children", str(os.cpu_count() or 1), spec=spec)
    seconds = time.monotonic() - started
    statuses: Counter = Counter()
    survivors = []
    for line in mutmut("results", "--all", "true", spec=spec, capture=True).splitlines():
        match = RESULT.match(line)
        if match is None or match["module"] not in modules:
            continue
        # "no tests" in a module the store runs is a mutant nothing exercised: a survivor.
        status = "survived" if match["status"] == "no tests" else match["status"]
        statuses[status] += 1
        if status not in KILLED:
            survivors.append(match["name"])
    return statuses, survivors, seconds


def main() -> int:
    if not Path("pyproject.toml").is_file() or not Path("tokenstore_conformance/reference_stores").is_dir():
        print("run from the repository root", file=sys.stderr)
        return 2
    chosen = sys.argv[1:] or list(STORES)
    rows = ["| store | modules | killed | survived | total | score | time |", "|---|---|---|---|---|---|---|"]
    details = []
    for name in chosen:
        spec, modules = STORES[name]
        statuses, survivors, seconds = score(name, spec, modules)
        killed = sum(statuses[s] for s in KILLED)
        total = sum(statuses.values())
        rows.append(
            f"| {name} | {', '.join(m + '.py' for m in modules)} | {killed} | {total - killed} | {total} "
            f"| {100 * killed / total:.1f}% | {seconds:.0f}s |"
        )
        for survivor in survivors:
            diff = mutmut("show", survivor, spec=spec, capture=True)
            changed = [
                line for line in diff.splitlines() if line[:1] in "-+" and line[:3] not in ("---", "+++")
            ]
            details.append(f"{name}: {survivor}\n" + "\n".join(changed))
    print("\n".join(rows))
    print("\nSurviving mutants:\n" + ("\n\n".join(details) or "none"))
    shutil.rmtree("mutants", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
