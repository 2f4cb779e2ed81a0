"""The lifecycle state machine catches faults that only a sequence shows, and passes correct stores."""

from __future__ import annotations

import importlib
import re
import shlex
import time

import pytest
from support.corpus import discover

from tokenstore_conformance.lifecycle.model import TokenModel, Undefined
from tokenstore_conformance.records import TokenRecord

# The sequence stores the lifecycle test must catch with a named clause (``lifecycle`` of each EXPECT:
# at least one must be named); lock_leak hangs instead, for the timeout test below.
SEQUENCE_STORES = {s.spec: s.expect for s in discover("sequence_stores") if s.expect.lifecycle}
# Broken stores whose fault the lifecycle test must find as well: the clauses its failure may name, by spec.
ADVERSARIAL = {s.spec: set(s.expect.lifecycle) for s in discover("broken_stores") if s.expect.lifecycle}
REFERENCE_STORES = [
    "tokenstore_conformance.reference_stores.list_store:ListTokenStore",
    "tokenstore_conformance.reference_stores.memory_store:InMemoryTokenStore",
    "tokenstore_conformance.reference_stores.sqlite_store:tmp_path_store",
]
QUICK_FAILURE = "sequence_stores.byid_cache:Store"
# Two child runs, so that pytest-xdist can run them side by side.
SQLITE_BASED = [
    "sequence_stores.stale_after_three:Store",
    "sequence_stores.rowid_ids:Store",
    "sequence_stores.cached_reads:Store",
]
IN_MEMORY = [spec for spec in SEQUENCE_STORES if spec not in SQLITE_BASED]


def _named_in_row(run, store_index: int) -> set[str]:
    """The clause ids the LIFECYCLE row of the table names for the store at ``store_index``."""
    row = next(line for line in run.stdout.splitlines() if line.startswith("LIFECYCLE "))
    _, _, named = row.partition("violates: ")
    for part in named.split("; "):
        number, _, ids = part.partition(" ")
        if number == f"[{store_index + 1}]":
            return set(ids.split(", "))
    return set()


def _steps(run) -> list[str]:
    """The steps of the minimal failing example Hypothesis printed (ids left out: stores choose them)."""
    return [
        line for line in run.stdout.splitlines() if "state." in line and not line.lstrip("E ").startswith("#")
    ]


def _rerun_command(run) -> list[str]:
    lines = run.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "Run this sequence again with:" in line)
    return shlex.split(lines[start + 1].lstrip("E ").strip())


@pytest.mark.parametrize("specs", [SQLITE_BASED, IN_MEMORY], ids=["sqlite", "in-memory"])
def test_sequence_faults_pass_every_other_clause_and_fail_the_lifecycle(run_kit, specs):
    # The concurrency group is left out: it catches some of these faults too (a per-instance
    # cache is what CONC-PROC-VISIBLE looks for), and it has a corpus of its own.
    # The sequence stores are list-based: SCALE measures speed, not the faults they carry.
    run = run_kit(
        *(f"--tokenstore={spec}" for spec in specs),
        "-k",
        "not test_concurrency and not test_lookups_and_updates_cost",
    )
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert "tokenstore lifecycle: profile fast (50 sequences of up to 30 steps" in run.stdout, run
    assert "seed 0 (fixed: every run tests the same sequences; from the default)" in run.stdout, run
    problems = []
    for index, spec in enumerate(specs):
        verdicts = run.verdicts(index)
        expect = SEQUENCE_STORES[spec]
        others = sorted(
            cid for cid, verdict in verdicts.items() if verdict == "failed" and cid != "LIFECYCLE"
        )
        if set(others) != expect.fails - {"LIFECYCLE"}:
            problems.append(f"{spec}: parametrised clauses failed too: {others}")
        if "LIFECYCLE" not in expect.fails or verdicts.get("LIFECYCLE") != "failed":
            problems.append(f"{spec}: the lifecycle test did not catch it ({verdicts.get('LIFECYCLE')})")
        named = _named_in_row(run, index)
        if not named & expect.lifecycle:
            problems.append(
                f"{spec}: the table names {sorted(named)}, expected one of {sorted(expect.lifecycle)}"
            )
        if (
            f"pytest --tokenstore={spec} --tokenstore-profile=fast --tokenstore-seed=0 -k test_lifecycle"
            not in run.stdout
        ):
            problems.append(f"{spec}: no command to rerun the failing sequence")
    assert problems == [], run


def _halves(specs: list[str]) -> list[list[str]]:
    return [specs[: len(specs) // 2], specs[len(specs) // 2 :]]


@pytest.mark.contributing("Adding a lifecycle rule")
def test_every_adversarial_store_declares_clauses_that_exist():
    from tokenstore_conformance.harness.clauses import CLAUSES

    assert len(ADVERSARIAL) >= 8
    assert {cid for named in ADVERSARIAL.values() for cid in named} - set(CLAUSES) == set()


@pytest.mark.parametrize("specs", _halves(sorted(ADVERSARIAL)), ids=["first-half", "second-half"])
def test_adversarial_faults_fail_the_lifecycle_at_the_default_seed(run_kit, specs):
    """The key-space and cache faults of the broken-store corpus: the default profile finds each one."""
    run = run_kit(*(f"--tokenstore={spec}" for spec in specs), "-k", "test_lifecycle")
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    problems = []
    for index, spec in enumerate(specs):
        if run.verdicts(index).get("LIFECYCLE") != "failed":
            problems.append(f"{spec}: the lifecycle test did not catch it")
        elif not _named_in_row(run, index) & ADVERSARIAL[spec]:
            named = sorted(_named_in_row(run, index))
            problems.append(f"{spec}: the table names {named}, expected one of {sorted(ADVERSARIAL[spec])}")
    assert problems == [], run


def test_reference_stores_pass_the_thorough_profile(run_kit):
    run = run_kit(
        *(f"--tokenstore={spec}" for spec in REFERENCE_STORES),
        "--tokenstore-profile=thorough",
        "-k",
        "test_lifecycle",
    )
    assert run.ret == pytest.ExitCode.OK, run
    assert "tokenstore lifecycle: profile thorough (150 sequences of up to 50 steps" in run.stdout, run
    assert [run.verdicts(i).get("LIFECYCLE") for i in range(len(REFERENCE_STORES))] == ["passed"] * len(
        REFERENCE_STORES
    ), run


def test_the_printed_command_reruns_the_same_failing_sequence(run_kit):
    first = run_kit(f"--tokenstore={QUICK_FAILURE}", "-k", "test_lifecycle")
    assert first.ret == pytest.ExitCode.TESTS_FAILED, first
    command = _rerun_command(first)
    assert command[0] == "pytest"
    again = run_kit(*command[1:])
    assert again.ret == pytest.ExitCode.TESTS_FAILED, again
    assert _steps(first), first
    assert _steps(again) == _steps(first)


def test_a_random_seed_is_shown_and_goes_into_the_rerun_command(run_kit):
    run = run_kit(f"--tokenstore={QUICK_FAILURE}", "--tokenstore-seed=random", "-k", "test_lifecycle")
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    seed = re.search(r"seed (\d+) \(drawn at random; from --tokenstore-seed\)", run.stdout)
    assert seed, run
    assert f"--tokenstore-seed={seed[1]}" in _rerun_command(run)


def test_pytest_xdist_workers_use_the_seed_the_header_shows(run_kit):
    run = run_kit(
        f"--tokenstore={QUICK_FAILURE}", "--tokenstore-seed=random", "-n", "2", "-k", "test_lifecycle"
    )
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    seed = re.search(r"seed (\d+) \(drawn at random; from --tokenstore-seed\)", run.stdout)
    assert seed, run
    assert f"--tokenstore-seed={seed[1]}" in _rerun_command(run)


def test_random_runs_replay_a_stores_saved_failures_under_its_own_key(run_kit, pytester):
    # The default profile keeps an example database even where Hypothesis detects CI; the
    # database lives in pytest's cache, which run_kit turns off and this test turns back on.
    args = (
        "-k",
        "test_lifecycle",
        "--tokenstore-seed=random",
        "--hypothesis-profile=default",
        "-p",
        "cacheprovider",
    )
    first = run_kit(f"--tokenstore={QUICK_FAILURE}", *args, cache=True)
    assert "replayed" not in first.stdout, first
    again = run_kit(f"--tokenstore={QUICK_FAILURE}", *args, cache=True)
    assert "this run first replayed" in again.stdout, again
    # A store every sequence catches (its first lookup miss raises), so a random seed cannot pass it.
    other = run_kit("--tokenstore=broken_stores.find_raises_on_miss:Store", *args, cache=True)
    assert other.ret == pytest.ExitCode.TESTS_FAILED, other
    assert "replayed" not in other.stdout, other
    # Nothing of Hypothesis's lands in the working directory: the examples are in pytest's cache.
    assert not (pytester.path / ".hypothesis").exists()
    assert list((pytester.path / ".pytest_cache" / "d" / "tokenstore-lifecycle" / "examples").iterdir())


@pytest.mark.parametrize(
    "option", ["--tokenstore-seed=-1", "--tokenstore-seed=0x1", "--tokenstore-profile=slow"]
)
def test_a_bad_seed_or_profile_is_a_usage_error(run_kit, option):
    run = run_kit(f"--tokenstore={QUICK_FAILURE}", option)
    assert run.ret == pytest.ExitCode.USAGE_ERROR, run


def test_a_hanging_store_fails_at_once_without_shrinking(run_kit):
    started = time.monotonic()
    run = run_kit(
        "--tokenstore=sequence_stores.lock_leak:Store", "--tokenstore-timeout=0.5", "-k", "test_lifecycle"
    )
    elapsed = time.monotonic() - started
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert "did not return within 0.5s" in run.stdout, run
    assert "stopped at once instead of shrinking" in run.stdout, run
    assert "--tokenstore-timeout=0.5" in " ".join(_rerun_command(run))
    # Shrinking would wait 0.5 s for each of hundreds of replays.
    assert elapsed < 60, run


SHARED_STORAGE_THAT_CANNOT_BE_EMPTIED = '''
from tokenstore_conformance.reference_stores.list_store import ListTokenStore

ROWS = []


class Store(ListTokenStore):
    """All instances share one list, and the delete methods forget to touch it."""

    tokenstore_persistent = True

    def __init__(self):
        super().__init__()
        self._rows = ROWS

    def save_token(self, token):
        super().save_token(token)
        ROWS[:] = self._rows

    def delete_token(self, id):
        pass

    def delete_tokens(self):
        pass
'''


def test_storage_left_full_by_a_sequence_stops_the_run(run_kit, pytester):
    pytester.makepyfile(shared_store=SHARED_STORAGE_THAT_CANNOT_BE_EMPTIED)
    run = run_kit("--tokenstore=shared_store:Store", "-k", "test_lifecycle")
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert "when a new sequence began" in run.stdout, run
    # No step ran in the sequence that could not start, so there is nothing to rerun.
    assert "Run this sequence again" not in run.stdout, run


def test_each_store_keeps_its_examples_under_its_own_key():
    from hypothesis.database import InMemoryExampleDatabase

    from tokenstore_conformance.lifecycle.database import PerStoreDatabase

    shared = InMemoryExampleDatabase()
    mine, theirs = PerStoreDatabase(shared, "a:Store"), PerStoreDatabase(shared, "b:Store")
    mine.save(b"key", b"example")
    assert list(mine.fetch(b"key")) == [b"example"]
    assert list(theirs.fetch(b"key")) == []
    mine.move(b"key", b"other", b"example")
    assert list(mine.fetch(b"key")) == []
    assert list(mine.fetch(b"other")) == [b"example"]
    mine.delete(b"other", b"example")
    assert list(mine.fetch(b"other")) == []
    # what the run reports as replayed: every example a fetch handed back
    assert (mine.replayed, theirs.replayed) == (2, 0)


def test_the_seeded_draws_do_not_depend_on_which_local_modules_are_loaded(tmp_path, monkeypatch):
    """An editable install, a wheel and a user's project draw the same sequences from one seed."""
    from hypothesis.internal.conjecture import providers

    from tokenstore_conformance.lifecycle.reproducible import without_local_constants

    (tmp_path / "a_users_module.py").write_text('MARKER = "only-this-module"\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("a_users_module")
    marker = "only-this-module"
    # Hypothesis does gather it (else this test proves nothing), and the lifecycle run does not see it.
    assert marker in providers._get_local_constants().set_for_type("string")
    with without_local_constants():
        assert marker not in providers._get_local_constants().set_for_type("string")
    assert marker in providers._get_local_constants().set_for_type("string")


CLIENT = {"client_id": "c", "client_secret": "s"}


@pytest.mark.parametrize(
    ("stored", "token"),
    [
        # IMPL-GRANT-AND-REFRESH
        ([], TokenRecord(**CLIENT, grant_token="g", refresh_token="r")),
        # IMPL-REFRESH-WITHOUT-CREDENTIALS
        ([], TokenRecord(refresh_token="r")),
        # IMPL-UNKNOWN-ID-SAVE
        ([TokenRecord(id="1", user_name="u")], TokenRecord(id="2", user_name="u")),
        # IMPL-ID-USER-CONFLICT
        (
            [TokenRecord(id="1", user_name="u"), TokenRecord(id="2", user_name="v")],
            TokenRecord(id="1", user_name="v"),
        ),
    ],
    ids=["grant-and-refresh", "refresh-without-credentials", "unknown-id-save", "id-user-conflict"],
)
def test_the_model_refuses_what_the_contract_leaves_to_the_store(stored, token):
    model = TokenModel()
    for record in stored:
        model.save(record, None)
    with pytest.raises(Undefined):
        model.save(token, "new-id")


def test_the_model_applies_the_key_order_and_the_merge_rule():
    model = TokenModel()
    alice = model.save(TokenRecord(user_name="alice", **CLIENT, grant_token="g1", refresh_token="r1"), "1")
    bob = model.save(TokenRecord(user_name="bob", **CLIENT, grant_token="g2", access_token="a2"), "2")
    # The user name alone decides, even against another record's grant token.
    assert model.find(TokenRecord(user_name="alice", **CLIENT, grant_token="g2")).id == alice
    assert model.find(TokenRecord(user_name="carol", access_token="a2")) is None
    # Without client credentials the access token decides; with them, the grant token.
    assert model.find(TokenRecord(access_token="a2")).id == bob
    assert model.find(TokenRecord(**CLIENT, grant_token="g1", access_token="a2")).id == alice
    # An unknown id falls through to the next key (and stays on the caller's token); a known one wins.
    assert model.match(TokenRecord(id="9", user_name="bob")) == (bob, "user_name")
    assert model.find(TokenRecord(id="9", user_name="bob")) == model.records[bob].replace(id="9")
    assert model.match(TokenRecord(id=alice, user_name="bob")) == (alice, "id")
    # A hit keeps the caller's values and fills only the None fields.
    assert model.find(TokenRecord(user_name="alice", access_token="mine")).access_token == "mine"
    # An update keeps stored values the token leaves None, and the id.
    model.save(TokenRecord(id=alice, access_token="a1"), None)
    assert model.records[alice] == TokenRecord(
        id=alice, user_name="alice", **CLIENT, grant_token="g1", refresh_token="r1", access_token="a1"
    )
