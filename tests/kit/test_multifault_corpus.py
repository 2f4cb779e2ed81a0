"""Stores with several faults at once: the kit reports each fault's root clauses and blocks the rest.

All the stores of ``tests/corpus/multifault_stores`` run in one child run of the
installed kit (one ``--tokenstore`` option each), made once per module and
read by every test here. Each store must fail exactly the root faults its
planted bugs declare (``bugs`` of its ``EXPECT``, plus any argued
``collateral``) and be blocked in exactly ``blocked``; the headline figure is how many root
faults the kit lists per bug planted.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from conftest import KitRun
from support.corpus import CorpusStore, discover

from tokenstore_conformance.harness.clauses import CLAUSES

PACKAGE = "multifault_stores"
# As in tests/kit/test_corpus.py: the lifecycle, SDK-flow and concurrency rows have fault corpora of
# their own, and a store with several faults fails some of them too.
OTHER_GROUPS = re.compile(r"^(LIFECYCLE|FLOW-.+|CONC-.+|CRASH-.+)$")
OPTIONS = (
    "-q",
    "--tb=short",
    "-rf",
    "-k",
    "not test_lifecycle and not test_concurrency and not test_lookups_and_updates_cost",
)
# The most root faults the kit may list per planted bug, over the whole corpus.
MOST_ROOTS_PER_BUG = 1.5


STORES = discover(PACKAGE)


_runs: list[KitRun] = []  # the child run, made by the first test that needs it


@pytest.fixture
def kit_run(run_kit, tmp_path_factory) -> KitRun:
    """The one child run of every store, in ``STORES`` order; under xdist, one run shared by the workers."""
    if not _runs:
        _runs.append(_shared_run(run_kit, tmp_path_factory))
    return _runs[0]


def _shared_run(run_kit, tmp_path_factory) -> KitRun:
    args = [*(f"--tokenstore={store.spec}" for store in STORES), *OPTIONS]
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return run_kit(*args)
    import fcntl

    # Workers of one xdist session share the parent of their base temp directories; the first to
    # take the lock makes the run, the others wait for it and read what it recorded.
    shared = tmp_path_factory.getbasetemp().parent / "tokenstore-multifault"
    shared.mkdir(exist_ok=True)
    record = shared / "run.json"
    with open(shared / "run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            run = run_kit(*args)
            data = {"ret": int(run.ret), "stdout": run.stdout.splitlines(), "stderr": run.stderr.splitlines()}
            scratch = record.with_suffix(".partial")
            scratch.write_text(json.dumps({**data, "duration": run.result.duration}), encoding="utf-8")
            scratch.replace(record)
    data = json.loads(record.read_text(encoding="utf-8"))
    return KitRun(pytest.RunResult(data["ret"], data["stdout"], data["stderr"], data["duration"]))


def _failed(run: KitRun, index: int) -> set[str]:
    """Clauses failed or warned in the store's column, the other groups' rows left out."""
    return {
        cid
        for cid, verdict in run.verdicts(index).items()
        if verdict in ("failed", "warned") and not OTHER_GROUPS.match(cid)
    }


def _blocked(run: KitRun, index: int) -> set[str]:
    return {
        cid
        for cid, verdict in run.verdicts(index).items()
        if verdict == "blocked" and not OTHER_GROUPS.match(cid)
    }


def _failing_tests(run: KitRun, store: CorpusStore) -> str:
    lines = [
        line for line in run.stdout.splitlines() if line.startswith("FAILED") and f"[{store.spec}" in line
    ]
    return "\n".join(lines) or "(no failed test named this store)"


def test_the_declarations_are_consistent():
    """Every declared clause exists; ``fails`` is the union of ``bugs``; nothing is declared twice."""
    assert 6 <= len(STORES) <= 8
    for store in STORES:
        expect = store.expect
        declared = expect.clauses() | {c for _, clauses in expect.bugs for c in clauses}
        assert declared <= set(CLAUSES), (store.name, sorted(declared - set(CLAUSES)))
        assert len(expect.bugs) >= 1, store.name
        assert expect.fails == frozenset().union(*(clauses for _, clauses in expect.bugs)), store.name
        assert not expect.fails & expect.collateral, store.name
        assert not (expect.fails | expect.collateral) & expect.blocked, store.name


@pytest.mark.parametrize("store", STORES, ids=lambda s: s.name)
def test_multifault_store_fails_exactly_its_root_faults(kit_run, store):
    index = STORES.index(store)
    assert f"[{index + 1}] {store.spec}" in kit_run.stdout, (
        f"{store.spec} is not column {index + 1}\n{kit_run!r}"
    )
    assert kit_run.verdicts(index), f"no clause table\n{kit_run!r}"
    failed = _failed(kit_run, index)
    declared = store.expect.fails | store.expect.collateral
    assert failed == declared, (
        f"{store.spec}: failed {sorted(failed)}; undeclared {sorted(failed - declared)}, "
        f"declared but not failed {sorted(declared - failed)}\n{_failing_tests(kit_run, store)}"
    )
    blocked = _blocked(kit_run, index)
    assert blocked == store.expect.blocked, (
        f"{store.spec}: blocked {sorted(blocked)}; undeclared {sorted(blocked - store.expect.blocked)}, "
        f"declared but not blocked {sorted(store.expect.blocked - blocked)}"
    )


def test_root_faults_listed_per_bug_planted(kit_run, record_property):
    """The kit's noise over the corpus: root faults it lists, per bug planted (1.0 is one red clause each)."""
    roots = sum(len(_failed(kit_run, index)) for index in range(len(STORES)))
    bugs = sum(len(store.expect.bugs) for store in STORES)
    ratio = roots / bugs
    record_property("multifault_roots", roots)
    record_property("multifault_bugs", bugs)
    # tests/conftest.py prints these at the end of the session, under xdist too.
    record_property("multifault_roots_per_bug", ratio)
    assert ratio <= MOST_ROOTS_PER_BUG, f"{roots} root faults for {bugs} bugs"
