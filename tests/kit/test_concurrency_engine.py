"""The concurrency engine itself: crashes and hangs end as failed clauses, declarations decide what runs,
every process is reaped, and failures are told in the store's terms."""

from __future__ import annotations

import os
import time

import pytest

from tokenstore_conformance.concurrency import durability, plans, verdicts, visibility

# Stores that misbehave only in threads other than the main one, so the kit's start-up
# check and the single-threaded clauses see a healthy store. Each records the pids of the
# processes that built it, to show that none outlives the run.
MISBEHAVING = """
import ctypes, os, threading, time
from pathlib import Path
from tokenstore_conformance.reference_stores.list_store import ListTokenStore

PIDS = Path(__file__).with_name("pids")


class Crashing(ListTokenStore):
    def __init__(self):
        super().__init__()
        with PIDS.open("a") as out:
            out.write(f"{os.getpid()} {os.getppid()}\\n")

    def save_token(self, token):
        if threading.current_thread() is not threading.main_thread():
            ctypes.string_at(0)  # a C extension gone wrong: SIGSEGV
        return super().save_token(token)


class Hanging(Crashing):
    def save_token(self, token):
        if threading.current_thread() is not threading.main_thread():
            time.sleep(3600)  # waits for a lock nobody releases
        return ListTokenStore.save_token(self, token)


class Misdeclared(ListTokenStore):
    tokenstore_concurrency = "thread"


class ProcessesOnly(ListTokenStore):
    tokenstore_concurrency = "processes"
"""


def _pids(pytester: pytest.Pytester) -> set[int]:
    path = pytester.path / "pids"
    return {int(pid) for pid in path.read_text().split()} if path.exists() else set()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.quick
def test_a_store_that_crashes_the_interpreter_fails_its_clause_and_the_run_goes_on(run_kit, pytester):
    pytester.makepyfile(misbehaving=MISBEHAVING)
    run = run_kit("--tokenstore=misbehaving:Crashing", "-k", "test_concurrency")
    assert (
        "the store crashed the interpreter (SIGSEGV) while 8 threads saved 3 distinct users each"
        in run.stdout
    ), run
    assert "Fatal Python error: Segmentation fault" in run.stdout, run  # the store's stack, from faulthandler
    verdicts_ = run.verdicts()
    assert {
        verdicts_[c] for c in ("CONC-THREADS-DISTINCT", "CONC-THREADS-SAME-USER", "CONC-THREADS-READ")
    } == {"failed"}
    assert verdicts_["CONC-PROC-DISTINCT"] == "not applicable", run
    pids = _pids(pytester) - {os.getpid()}
    assert pids, "the store recorded no process"
    assert [pid for pid in pids if not _gone(pid)] == []


def test_a_store_that_hangs_is_stopped_by_the_call_timeout_and_every_process_is_reaped(run_kit, pytester):
    pytester.makepyfile(misbehaving=MISBEHAVING)
    started = time.monotonic()
    run = run_kit(
        "--tokenstore=misbehaving:Hanging", "--tokenstore-timeout=1", "-k", "test_threads_saving_distinct"
    )
    assert time.monotonic() - started < 60, run
    assert run.failed_clauses() == {"CONC-THREADS-DISTINCT"}, run
    assert "did not return within 1s while 8 threads saved 3 distinct users each at once" in run.stdout, run
    pids = _pids(pytester) - {os.getpid()}
    assert pids, "the store recorded no process"
    assert [pid for pid in pids if not _gone(pid)] == []


def test_a_declaration_out_of_range_is_a_clear_failure(run_kit, pytester):
    pytester.makepyfile(misbehaving=MISBEHAVING)
    run = run_kit("--tokenstore=misbehaving:Misdeclared", "-k", "test_threads_saving_distinct")
    # Caught when the run starts, before any store is written to: the store is not built, with the reason.
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert set(run.verdicts().values()) == {"not built"}, run
    assert (
        "declares tokenstore_concurrency = 'thread'; use one of 'none', 'threads', 'processes'" in run.stdout
    ), run


def test_clauses_above_the_declared_level_do_not_apply(run_kit, pytester):
    pytester.makepyfile(misbehaving=MISBEHAVING)
    run = run_kit(
        "--tokenstore=tokenstore_conformance.reference_stores.list_store:ListTokenStore",
        "--tokenstore=correct_stores.dict_store:Store",
        "--tokenstore=misbehaving:ProcessesOnly",
        "-k",
        "test_concurrency",
        "-rs",
    )
    assert run.ret == pytest.ExitCode.OK, run
    threads, none, not_persistent = run.verdicts(0), run.verdicts(1), run.verdicts(2)
    assert (threads["CONC-THREADS-READ"], threads["CONC-PROC-READ"]) == ("passed", "not applicable"), run
    assert set(none.values()) == {"not applicable"}, run
    assert (not_persistent["CONC-THREADS-READ"], not_persistent["CRASH-DURABLE"]) == (
        "passed",
        "not applicable",
    ), run
    assert (
        "declares tokenstore_concurrency = 'none'; CONC-THREADS-READ applies to stores declared 'threads'"
        in run.stdout
    )
    assert "but not tokenstore_persistent = True" in run.stdout, run


# -- verdicts, from logs written by hand ------------------------------------------------------
def _entry(group: str, worker: int, k: int, n: int, record_id: str, error: str | None = None) -> list:
    return [plans.user(group, worker, k), plans.serial_of(worker, n), record_id, error]


def _row(name: str, serial: int, record_id: str, **changes: str) -> list:
    return plans.to_json(plans.expected(name, serial, record_id).replace(**changes))


def test_a_lost_user_is_named_with_the_process_that_saved_it():
    logs = [[_entry("p", w, 0, 0, f"id{w}")] for w in range(3)]
    final = {"records": [_row(plans.user("p", w, 0), plans.serial_of(w, 0), f"id{w}") for w in (0, 2)]}
    headline, problems = verdicts.distinct({"logs": logs, "final": final}, "process")
    assert headline == "3 processes saved 3 distinct users at once (3 saves); the store holds 2 records"
    assert problems == [
        "lost: p1-0@conc.example.test (saved by process 1, save_token returned)",
        "lost users by the worker that saved them: 1 of process 1's 1",
    ]


def test_a_torn_record_names_the_save_of_each_field():
    name = plans.user("s", 0, 0)
    logs = [[[name, plans.serial_of(w, 0), "id", None]] for w in range(2)]
    torn = _row(
        name,
        plans.serial_of(0, 0),
        "id",
        access_token=plans.values(name, plans.serial_of(1, 0))["access_token"],
    )
    _, problems = verdicts.same_user({"logs": logs, "final": {"records": [torn]}}, "thread")
    assert problems == [
        f"torn records: {name}: refresh_token from save #1 (thread 0), access_token from save #100001 (thread 1), "
        "grant_token from save #1 (thread 0), expires_in from save #1 (thread 0)"
    ]


def test_duplicates_and_shared_ids_are_reported_once_each():
    logs = [[_entry("p", w, 0, 0, "7")] for w in range(2)]
    rows = [_row(plans.user("p", w, 0), plans.serial_of(w, 0), "7") for w in range(2)]
    rows.append(_row(plans.user("p", 1, 0), plans.serial_of(1, 0), "8"))
    _, problems = verdicts.distinct({"logs": logs, "final": {"records": rows}}, "thread")
    assert problems == [
        "duplicated: p1-0@conc.example.test has 2 records",
        "ids shared by several records: id '7' by p0-0@conc.example.test, p1-0@conc.example.test",
    ]


def test_a_kill_may_leave_the_save_in_flight_but_not_lose_a_returned_one():
    names = [plans.user("c", 0, k) for k in range(2)]
    first = plans.serial_of(1, 0)
    returned = [[names[0], first, "a", None], [names[1], first + 1, "b", None]]
    in_flight = _row(names[0], first + 2, "a")  # the third save, in flight at the kill, made it
    whole = {
        "names": names,
        "rounds": [
            {
                "first": first,
                "returned": returned,
                "delay_ms": 9.0,
                "final": {"records": [in_flight, _row(names[1], first + 1, "b")]},
            }
        ],
    }
    assert durability.crash(whole)[1] == []
    lost = dict(whole, rounds=[dict(whole["rounds"][0], final={"records": [in_flight]})])
    headline, problems = durability.crash(lost)
    assert "killed with SIGKILL 9 ms after it began (kill 1 of 1), after 2 saves had returned" in headline
    assert problems == [f"lost: {names[1]}: save #{first + 1} had returned before the kill"]


def test_a_lost_update_names_the_field_and_the_process_that_wrote_it():
    name = plans.user("u", 0, 0)
    seeds = [[name, 1, "id0", None]]
    writers = [
        {"last": {"access_token": "A9", "expires_in": "9"}, "violations": [], "errors": []},
        {
            "last": {"refresh_token": "R9"},
            "violations": [
                {"expected": {"refresh_token": "R4"}, "found": {"refresh_token": "R3"}, "after": 5}
            ],
            "errors": [],
        },
    ]
    final = {"records": [_row(name, 1, "id0", access_token="A9", expires_in="9")]}
    _, problems = visibility.update({"seeds": seeds, "writers": writers, "final": final})
    assert problems == [
        "an update was lost: process 1 read back refresh_token 'R3' before its update 5, where its last update "
        "had written refresh_token 'R4'",
        f"fields lost in the end: {name}: refresh_token is '1000.refresh.1.9e3779b1', process 1 last wrote 'R9'",
    ]


# A store with a quota it does not tell anyone about: once it holds nine records, a new user's save
# returns as if it had worked. One round of FLOW-CONCURRENT-REFRESH seeds nine users.
QUOTA_STORE = """
from tokenstore_conformance.reference_stores.sqlite_store import tmp_path_store


def make_store(tmp_path):
    store = tmp_path_store(tmp_path)
    save = store.save_token

    def save_token(token):
        if token.get_id() is None and len(store.get_tokens()) >= 9:
            return
        save(token)

    store.save_token = save_token
    return store


make_store.tokenstore_persistent = True
make_store.tokenstore_concurrency = "processes"
"""


def test_the_concurrent_refresh_runs_further_rounds_over_the_same_storage(tmp_path, monkeypatch):
    from tokenstore_conformance.concurrency import Target, refresh
    from tokenstore_conformance.sdkflow.fakezoho import FakeZoho

    (tmp_path / "quota_store.py").write_text(QUOTA_STORE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    storage = tmp_path / "storage"
    storage.mkdir()
    with FakeZoho(token_lifetime=3600) as zoho:
        outcome = refresh.check(Target("quota_store:make_store", 10.0, str(storage)), zoho)
    # Round 1 fills the quota and passes, and its records are not taken for ones nobody saved.
    assert not outcome.passed, outcome.message
    assert "(round 2 of up to 4, each with new users)" in outcome.message, outcome.message
    assert "records nobody saved" not in outcome.message, outcome.message
