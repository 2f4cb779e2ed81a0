"""A store that hangs: the run ends, a timed-out call is never an outcome, and a whole-run budget holds."""

from __future__ import annotations

import json

import pytest

HANGING_STORES = """
import threading
import time
from pathlib import Path

from tokenstore_conformance.reference_stores.list_store import ListTokenStore

CALLS = Path(__file__).with_name("calls.log")


class FindHangs(ListTokenStore):
    def find_token(self, token):
        with CALLS.open("a") as log:
            log.write(threading.current_thread().name + "\\n")
        time.sleep(60)


class ListingHangs(ListTokenStore):
    def get_tokens(self):
        time.sleep(60)
        return []


class SlowSaves(ListTokenStore):
    def save_token(self, token):
        time.sleep(0.2)
        return super().save_token(token)
"""


def _main_thread_calls(pytester: pytest.Pytester) -> int:
    log = pytester.path / "calls.log"
    return log.read_text().splitlines().count("MainThread") if log.exists() else 0


def test_a_method_that_hangs_is_called_once_and_owns_every_test_it_stops(run_kit, pytester):
    pytester.makepyfile(hangs=HANGING_STORES)
    run = run_kit("--tokenstore=hangs:FindHangs", "--tokenstore-timeout=0.5", timeout=300)
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    # One time limit paid for find_token, not one per call: later calls fail at once.
    assert _main_thread_calls(pytester) == 1, run
    assert "the kit does not call a method that hung again" in run.stdout, run
    verdicts = run.verdicts()
    # The hang is find_token's, whichever test met it first: the clauses that own find_token fail,
    # the clauses whose tests only used it are blocked by them.
    assert verdicts["FIND-MISS-NONE"] == "failed", run
    assert verdicts["READ-AFTER-WRITE"] == "blocked", run
    assert verdicts["FLOW-EXCHANGE-FAIL"] == "blocked", run
    assert verdicts["SAVE-INSERT"] == "passed", run


def test_a_read_that_times_out_in_trial_and_control_is_no_agreement(run_kit, pytester):
    # READ-AFTER-WRITE compares a cold read with a warm one; both timing out alike once passed.
    pytester.makepyfile(hangs=HANGING_STORES)
    run = run_kit(
        "--tokenstore=hangs:FindHangs",
        "--tokenstore-timeout=0.5",
        "-k",
        "READ-AFTER-WRITE",
        "-rs",
        timeout=120,
    )
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert run.verdicts()["READ-AFTER-WRITE"] == "blocked", run
    assert "find_token() did not return within 0.5s" in run.stdout, run
    assert _main_thread_calls(pytester) == 1, run


def test_the_emptiness_check_before_the_first_test_has_the_same_limit(run_kit, pytester):
    pytester.makepyfile(hangs=HANGING_STORES)
    run = run_kit("--tokenstore=hangs:ListingHangs", "--tokenstore-timeout=0.5", timeout=60)
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert set(run.verdicts().values()) == {"not built"}, run
    reason = next(
        line for line in run.stdout.splitlines() if line.startswith("hangs:ListingHangs: not built: ")
    )
    assert "get_tokens() did not return within 0.5s when the kit checked that the store is empty" in reason
    assert "Traceback" not in run.stdout + run.stderr, run


def test_a_spent_budget_ends_the_run_with_the_table_and_the_report(run_kit, pytester):
    pytester.makepyfile(hangs=HANGING_STORES)
    run = run_kit(
        "--tokenstore=hangs:SlowSaves",
        "--tokenstore-budget=2",
        "--tokenstore-report=report.json",
        timeout=120,
    )
    assert run.ret == pytest.ExitCode.INTERRUPTED, run
    assert "the kit's time budget of 2s was spent after" in run.stdout, run
    verdicts = run.verdicts()
    assert "not judged" in verdicts.values(), run
    assert verdicts["FLOW-CONCURRENT-REFRESH"] == "not judged", run
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    store = report["stores"][0]
    assert store["verdict"] == "incomplete"
    assert (
        store["levels"]["MUST"]["not-judged"]
        == sum(1 for c in store["clauses"] if c["level"] == "MUST" and c["verdict"] == "not-judged")
        > 0
    )
    assert report["options"]["budget"] == 2
    # A run cut short names the tests that spent the time.
    assert "its slowest contract tests (--durations=N lists more):" in run.stdout, run


def test_under_xdist_a_spent_budget_leaves_the_tests_no_worker_ran_not_judged(run_kit, pytester):
    """The controller collects nothing: without the worker's list it would call the store conformant."""
    pytester.makepyfile(hangs=HANGING_STORES)
    run = run_kit(
        "--tokenstore=hangs:SlowSaves",
        "--tokenstore-budget=2",
        "--tokenstore-report=report.json",
        "-n",
        "2",
        timeout=120,
    )
    assert run.ret == pytest.ExitCode.INTERRUPTED, run
    store = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))["stores"][0]
    assert store["verdict"] == "incomplete", run
    assert run.verdicts()["FLOW-CONCURRENT-REFRESH"] == "not judged", run
    assert store["levels"]["MUST"]["not-judged"] > 0


def test_the_header_names_the_budget_and_zero_turns_it_off(run_kit, pytester):
    spec = "--tokenstore=tokenstore_conformance.reference_stores.list_store:ListTokenStore"
    default = run_kit(spec, "--collect-only")
    assert "1200s for the whole run (from the default)" in default.stdout, default
    off = run_kit(spec, "--tokenstore-budget=0", "--collect-only")
    assert "no budget for the whole run (from --tokenstore-budget)" in off.stdout, off
    assert "slowest contract tests" not in default.stdout + off.stdout


def test_a_store_too_slow_to_measure_is_not_applicable_for_scale_never_failed(run_kit, pytester):
    pytester.makepyfile(hangs=HANGING_STORES)
    run = run_kit(
        "--tokenstore=hangs:SlowSaves",
        "-k",
        "test_lookups_and_updates_cost",
        "--tokenstore-expect-write=expect.txt",
        timeout=120,
    )
    assert run.ret == 0, run
    assert run.verdicts()["SCALE"] == "not applicable", run
    assert "not applicable: SCALE: not measured: saves take" in run.stdout, run
    assert "SCALE" not in (pytester.path / "expect.txt").read_text()
