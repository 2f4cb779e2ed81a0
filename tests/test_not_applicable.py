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
        "not applicable: CONC-PROC-DISTINCT, CRASH-DURABLE: the store declares tokenstore_concurrency = "
        "'threads'; they apply to stores declared 'processes'"
    ) in lines, run
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    reasons = {c["id"]: c["not_applicable_because"] for c in report["stores"][0]["clauses"]}
    assert reasons["SAVE-INSERT"] is None
    assert "tokenstore_persistent = True" in reasons["INSTANCE-PERSIST"]
    assert "CRASH-DURABLE applies to stores declared 'processes'" in reasons["CRASH-DURABLE"]
