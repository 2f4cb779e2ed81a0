"""Every clause that does not apply says why, and what to declare to run it: in the table and the report."""

from __future__ import annotations

import json

LIST_STORE = "tokenstore_conformance.reference_stores.list_store:ListTokenStore"


def test_each_not_applicable_clause_gives_its_reason(run_kit, pytester):
    run = run_kit(
        f"--tokenstore={LIST_STORE}",
        "--tokenstore-report=report.json",
        "-k",
        "INSTANCE-PERSIST or CONC-PROC-DISTINCT or CRASH-DURABLE or SAVE-INSERT",
    )
    assert run.ret == 0, run
    assert run.clauses_with("not applicable") == {"INSTANCE-PERSIST", "CONC-PROC-DISTINCT", "CRASH-DURABLE"}
    lines = [line.strip() for line in run.stdout.splitlines() if line.strip().startswith("not applicable: ")]
    assert (
        "not applicable: INSTANCE-PERSIST: the store does not declare tokenstore_persistent = True" in lines
    )
    assert (
        "not applicable: CONC-PROC-DISTINCT, CRASH-DURABLE: the store declares no tokenstore_concurrency, "
        "and 'threads' is the default for a store that is not persistent; they apply to stores declared "
        "'processes' (declare tokenstore_concurrency = 'processes' and tokenstore_persistent = True to run it)"
    ) in lines, run
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    reasons = {c["id"]: c["not_applicable_because"] for c in report["stores"][0]["clauses"]}
    assert reasons["SAVE-INSERT"] is None
    assert "tokenstore_persistent = True" in reasons["INSTANCE-PERSIST"]
    assert "CRASH-DURABLE applies to stores declared 'processes'" in reasons["CRASH-DURABLE"]


UNDECLARED_SQLITE = """
from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore


class Store(SQLiteTokenStore):
    tokenstore_concurrency = None  # persistent, and silent about processes


def make_store(tmp_path):
    return Store(tmp_path / "tokens.db")
"""


def test_a_persistent_store_that_declares_no_level_is_checked_for_worker_processes(run_kit, pytester):
    pytester.makepyfile(undeclared=UNDECLARED_SQLITE)
    run = run_kit("--tokenstore=undeclared:make_store", "-k", "CONC-PROC-DISTINCT or CRASH-DURABLE")
    assert run.ret == 0, run
    assert run.clauses_with("passed") == {"CONC-PROC-DISTINCT", "CRASH-DURABLE"}, run
    assert "concurrency: 'processes'" in run.stdout


def test_the_sdk_file_store_fails_under_processes_by_default(run_kit):
    """The SDK's FileStore is declared persistent only: its lost updates across workers now show."""
    run = run_kit(
        "--tokenstore=tokenstore_conformance.target.sdk_stores:file_store", "-k", "CONC-PROC-DISTINCT"
    )
    assert run.failed_clauses() == {"CONC-PROC-DISTINCT"}, run
