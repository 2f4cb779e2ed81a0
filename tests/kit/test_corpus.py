"""The kit catches faults: each broken store fails exactly its declared clauses, each correct store passes.

A child pytest costs seconds to start, so the stores run in a few child runs
with many ``--tokenstore`` options each, and every store still gets its own
test item that reads its column of the clause table. Under pytest-xdist the
workers share each child run's output through a file, so each run happens once,
and a worker that would wait for another's run starts a run nobody has started.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import KitRun
from support.corpus import CorpusStore, Expect, discover
from support.layout import CORPUS_DIR

from tokenstore_conformance.harness.clauses import CLAUSES

# Clause rows of other test groups (the lifecycle state machine, the SDK flows, the
# concurrency group) that a broken store may fail as well: its fault is real, whichever test
# notices it first. Each of those groups has a fault corpus of its own.
ALLOWED_COLLATERAL = re.compile(r"^(LIFECYCLE|FLOW-.+|CONC-.+|CRASH-.+)$")
# Stores per child run: enough to amortise a child's start-up, few enough that
# xdist workers can share the runs out between them.
BROKEN_CHUNK = 20
CORRECT_CHUNK = 6  # these run the lifecycle test too, which takes seconds per store
# The lifecycle test shrinks every failure it finds, which takes up to minutes per
# broken store; it runs on the correct stores, where it must pass. The concurrency group
# has a corpus of its own (test_concurrency_corpus.py); these faults are single-threaded.
WITHOUT_LIFECYCLE = (
    "-k",
    "not test_lifecycle and not test_concurrency and not test_lookups_and_updates_cost",
)
REFUSAL = "get_tokens() raised"


BROKEN = discover("broken_stores")
CORRECT = discover("correct_stores")
# The one module that is not one store: it generates a store per entry of its table (see _chaos).
GENERATED = "chaos_stores.chaos"
# Every package of one store per module.
PACKAGES = sorted(p.name for p in CORPUS_DIR.glob("*_stores") if p.name != GENERATED.partition(".")[0])
# The module constants the stores declared before ``EXPECT``: a module that still sets one is read by nothing.
OLD_DECLARATIONS = (
    "EXPECTED_CLAUSES",
    "COLLATERAL",
    "BLOCKED",
    "LIFECYCLE",
    "REFUSED_WITHOUT_ALLOW_EXISTING",
    "MAY_ALSO_FAIL",
    "BUGS",
)


def _chaos() -> list[CorpusStore]:
    """One store per entry of the chaos module's generated table (chaos.py says why it is a table)."""
    from chaos_stores import chaos

    return [
        CorpusStore(name, f"chaos_stores.chaos:{name}", Expect(fails=roots))
        for name, roots in [*chaos.ROOT_FAULTS.items(), *((name, ()) for name in chaos.CORRECT)]
    ]


# Stores whose methods return the wrong shape or raise (tests/corpus/chaos_stores): each fails exactly the
# clauses that own the method, or, where the contract allows what it does, nothing.
CHAOS = _chaos()


@dataclass(frozen=True)
class Group:
    """One child run: the stores it names, in column order, and its extra options."""

    name: str
    stores: tuple[CorpusStore, ...]
    options: tuple[str, ...]

    def args(self) -> list[str]:
        return [*(f"--tokenstore={s.spec}" for s in self.stores), *self.options]


def _chunks(stores: list[CorpusStore], prefix: str, size: int, options: tuple[str, ...]) -> list[Group]:
    return [
        Group(f"{prefix}-{n + 1}", tuple(stores[i : i + size]), options)
        for n, i in enumerate(range(0, len(stores), size))
    ]


# Short tracebacks, so that test_no_failure_ends_in_the_kits_own_code can read where each failure ended.
QUIET = ("-q", "--tb=short", "-rf")
REFUSED = [s for s in BROKEN if s.expect.refused_without_allow_existing]
GROUPS = [
    *_chunks([s for s in BROKEN if s not in REFUSED], "broken", BROKEN_CHUNK, (*QUIET, *WITHOUT_LIFECYCLE)),
    *_chunks(
        REFUSED,
        "broken-allow-existing",
        BROKEN_CHUNK,
        (*QUIET, *WITHOUT_LIFECYCLE, "--tokenstore-allow-existing"),
    ),
    *(Group(f"refusal-{s.name}", (s,), ("-q", "--collect-only")) for s in REFUSED),
    *_chunks(CHAOS, "chaos", BROKEN_CHUNK, (*QUIET, *WITHOUT_LIFECYCLE, "--tokenstore-allow-existing")),
    # SCALE is left out here: it measures speed, not correctness, and an unusual correct store may
    # scan; tests/stores/test_reference_stores.py shows it warning on a scan and passing on an index.
    *_chunks(
        CORRECT,
        "correct",
        CORRECT_CHUNK,
        ("-q", "--tb=short", "-rf", "-k", "not test_lookups_and_updates_cost"),
    ),
]


def _group_of(store: CorpusStore, prefix: str) -> tuple[Group, int]:
    for group in GROUPS:
        if group.name.startswith(prefix) and store in group.stores:
            return group, group.stores.index(store)
    raise LookupError(f"{store} is in no {prefix} group")


_runs: dict[str, KitRun] = {}


def _from_record(path: Path) -> KitRun:
    data = json.loads(path.read_text(encoding="utf-8"))
    result = pytest.RunResult(data["ret"], data["stdout"], data["stderr"], data["duration"])
    return KitRun(result)


def _record(path: Path, run: KitRun) -> None:
    data = {
        "ret": int(run.ret),
        "stdout": run.stdout.splitlines(),
        "stderr": run.stderr.splitlines(),
        "duration": run.result.duration,
    }
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def corpus_run(run_kit, tmp_path_factory, record_property) -> Callable[[Group], KitRun]:
    """The child run of a group, started by the first test that needs it and reused by the rest."""

    def execute(group: Group) -> KitRun:
        run = run_kit(*group.args())
        record_property("corpus_child_seconds", run.result.duration)
        return run

    def get(group: Group) -> KitRun:
        if group.name in _runs:
            return _runs[group.name]
        if os.environ.get("PYTEST_XDIST_WORKER") is None:
            _runs[group.name] = execute(group)
            return _runs[group.name]
        import fcntl

        # Workers of one xdist session share the parent of their base temp directories.
        shared = tmp_path_factory.getbasetemp().parent / "tokenstore-corpus"
        shared.mkdir(exist_ok=True)

        def record_of(g: Group) -> Path:
            return shared / f"{g.name}.json"

        def run_unless_busy(g: Group) -> bool:
            """Run g's child run unless another worker is running it (then False)."""
            with open(shared / f"{g.name}.lock", "w") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return False
                if not record_of(g).exists():
                    scratch = record_of(g).with_suffix(".partial")
                    _record(scratch, execute(g))
                    scratch.replace(record_of(g))
                return True

        while not record_of(group).exists():
            if run_unless_busy(group):
                break
            # Another worker runs this group: start one nobody has started rather than wait idle.
            if not any(run_unless_busy(g) for g in GROUPS if not record_of(g).exists()):
                time.sleep(0.2)
        _runs[group.name] = _from_record(record_of(group))
        return _runs[group.name]

    return get


def _column(run: KitRun, store: CorpusStore, index: int) -> dict[str, str]:
    assert f"[{index + 1}] {store.spec}" in run.stdout, f"{store.spec} is not column {index + 1}\n{run!r}"
    verdicts = run.verdicts(index)
    assert verdicts, f"no clause table\n{run!r}"
    return verdicts


def _failing_tests(run: KitRun, store: CorpusStore) -> str:
    lines = [
        line for line in run.stdout.splitlines() if line.startswith("FAILED") and f"[{store.spec}" in line
    ]
    return "\n".join(lines) or "(no failed test named this store)"


@pytest.mark.contributing("Adding a corpus store")
def test_every_declared_clause_exists():
    """A typo in a declaration would otherwise read as a clause the kit never reports."""
    everywhere = [store for package in PACKAGES for store in discover(package)] + CHAOS
    declared = {cid for s in everywhere for cid in s.expect.clauses()}
    assert declared - set(CLAUSES) == set()
    assert all(s.expect.fails for s in BROKEN), [s.name for s in BROKEN if not s.expect.fails]
    assert [s.name for s in BROKEN if s.expect.fails & s.expect.collateral] == []
    assert [s.name for s in BROKEN if (s.expect.fails | s.expect.collateral) & s.expect.blocked] == []
    assert [s.name for s in CORRECT if s.expect != Expect()] == []


@pytest.mark.contributing("Adding a corpus store")
def test_every_corpus_module_declares_expect_and_nothing_else():
    """One way to declare a store's verdict: an ``Expect`` in ``EXPECT``, which ``discover`` reads."""
    undeclared, old = [], {}
    for path in sorted(CORPUS_DIR.glob("*_stores/*.py")):
        name = f"{path.parent.name}.{path.stem}".removesuffix(".__init__")
        module = importlib.import_module(name)
        if (
            path.stem[0] != "_"
            and name != GENERATED
            and not isinstance(getattr(module, "EXPECT", None), Expect)
        ):
            undeclared.append(name)
        if found := [constant for constant in OLD_DECLARATIONS if hasattr(module, constant)]:
            old[name] = found
    assert undeclared == []
    assert old == {}


@pytest.mark.contributing("Adding a corpus store")
def test_every_clause_has_a_broken_store():
    """A clause no broken store breaks is a clause whose tests have never been seen to fail.

    The lifecycle, SDK-flow and concurrency clauses have fault corpora of their own.
    """
    covered = {cid for s in BROKEN for cid in s.expect.fails}
    # SCALE's catch is the list reference store (tests/stores/test_reference_stores.py).
    assert {cid for cid in CLAUSES if not ALLOWED_COLLATERAL.match(cid)} - covered == {"SCALE"}


@pytest.mark.contributing("Adding a corpus store")
def test_the_corpus_is_big_enough():
    """Forty faults and eight unusual stores are the floor; ten faults must live in sqlite3."""
    assert len(BROKEN) >= 40
    assert len(CORRECT) >= 8
    on_sqlite = [s for s in BROKEN if "sqlite3" in _source(s) or "SQLiteStore" in _source(s)]
    assert len(on_sqlite) >= 10


def _source(store: CorpusStore) -> str:
    return CORPUS_DIR.joinpath(*store.module.split(".")).with_suffix(".py").read_text(encoding="utf-8")


@pytest.mark.parametrize("store", BROKEN, ids=lambda s: s.name)
def test_broken_store_fails_exactly_its_declared_clauses(corpus_run, record_property, store):
    group, index = _group_of(store, "broken")
    run = corpus_run(group)
    verdicts = run.verdicts(index) if f"[{index + 1}] {store.spec}" in run.stdout else {}
    # A SHOULD clause's failure is a warning unless the run is strict: reported all the same.
    failed = {cid for cid, verdict in verdicts.items() if verdict in ("failed", "warned")}
    missed = store.expect.fails - failed
    # The headline figure (printed by conftest.py) counts these, under xdist too.
    record_property("corpus_verdict", "missed" if missed else "caught")
    _column(run, store, index)
    assert not missed, f"{store.spec}: the kit did not report {sorted(missed)}\n{_failing_tests(run, store)}"
    core = {cid for cid in failed if not ALLOWED_COLLATERAL.match(cid)}
    declared = store.expect.fails | store.expect.collateral
    assert core == declared, (
        f"{store.spec}: failed {sorted(core)}; undeclared {sorted(core - declared)}, "
        f"declared but passed {sorted(declared - core)}\n{_failing_tests(run, store)}"
    )
    # One fault, one red clause: what the fault stops other clauses from checking is blocked, not failed.
    blocked = {
        cid for cid, verdict in verdicts.items() if verdict == "blocked" and not ALLOWED_COLLATERAL.match(cid)
    }
    assert blocked == store.expect.blocked, (
        f"{store.spec}: blocked {sorted(blocked)}; undeclared {sorted(blocked - store.expect.blocked)}, "
        f"declared but not blocked {sorted(store.expect.blocked - blocked)}"
    )


@pytest.mark.parametrize("store", REFUSED, ids=lambda s: s.name)
def test_store_whose_get_tokens_raises_at_start_is_refused(corpus_run, store):
    """Without --tokenstore-allow-existing the kit must stop before writing to a store it cannot inspect."""
    run = corpus_run(next(g for g in GROUPS if g.name == f"refusal-{store.name}"))
    assert run.ret == pytest.ExitCode.USAGE_ERROR, run
    assert REFUSAL in run.stderr, run
    assert store.spec in run.stderr, run


@pytest.mark.parametrize("store", CORRECT, ids=lambda s: s.name)
def test_correct_store_passes_every_clause(corpus_run, record_property, store):
    group, index = _group_of(store, "correct")
    run = corpus_run(group)
    verdicts = run.verdicts(index) if f"[{index + 1}] {store.spec}" in run.stdout else {}
    failed = sorted(cid for cid, verdict in verdicts.items() if verdict not in ("passed", "not applicable"))
    unreported = sorted(set(CLAUSES) - set(verdicts) - {"SCALE"})
    record_property("corpus_verdict", "false alarm" if failed or unreported else "passed")
    _column(run, store, index)
    assert failed == [], f"false alarm on {store.spec}: {failed}\n{_failing_tests(run, store)}"
    assert unreported == [], f"clauses missing from the table for {store.spec}"
    assert re.search(rf"^{re.escape(store.spec)}: \d+ clauses passed, 0 failed", run.stdout, re.MULTILINE)


@pytest.mark.parametrize("group", [g for g in GROUPS if g.name.startswith("correct")], ids=lambda g: g.name)
def test_a_run_of_correct_stores_exits_zero(corpus_run, group):
    """What CI sees: a run of the kit on correct stores only is green as a whole, not just clause by clause."""
    run = corpus_run(group)
    assert run.ret == pytest.ExitCode.OK, run


@pytest.mark.parametrize("store", CHAOS, ids=lambda s: s.name)
def test_chaos_store_fails_exactly_the_clauses_that_own_its_method(corpus_run, store):
    """A wrong shape or an exception is the fault of the method's own clauses; every other test is blocked."""
    group, index = _group_of(store, "chaos")
    verdicts = _column(corpus_run(group), store, index)
    failed = {
        cid
        for cid, verdict in verdicts.items()
        if verdict in ("failed", "warned") and not ALLOWED_COLLATERAL.match(cid)
    }
    assert failed == store.expect.fails, (
        f"{store.spec}: failed {sorted(failed)}; undeclared {sorted(failed - store.expect.fails)}, "
        f"declared but passed {sorted(store.expect.fails - failed)}"
    )


@pytest.mark.parametrize(
    "group", [g for g in GROUPS if g.name.startswith(("broken", "chaos"))], ids=lambda g: g.name
)
def test_no_failure_ends_in_the_kits_own_code(corpus_run, group):
    """Whatever a store returns or raises, the kit reports it; its own frames never raise on it."""
    run = corpus_run(group)
    assert run.verdicts(), f"no clause table\n{run!r}"
    assert run.kit_frame_errors() == []
