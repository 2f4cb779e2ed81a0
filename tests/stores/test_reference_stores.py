"""Every reference store passes every clause of the contract, as docs/compatibility.md says it does."""

from __future__ import annotations

import pytest
from support.compat_page import IN_PROCESS, REFERENCE_STORES, label_of, stale_rows

from tokenstore_conformance.harness.clauses import CLAUSES

# The quick loop's one full child run: every engine (contract, lifecycle, threads, SDK flow) on one store.
QUICK = "tokenstore_conformance.reference_stores.memory_store:InMemoryTokenStore"


@pytest.mark.parametrize(
    "spec",
    [pytest.param(spec, marks=[pytest.mark.quick] if spec == QUICK else []) for spec in REFERENCE_STORES],
)
def test_reference_store_passes_every_clause(run_kit, spec, tmp_path):
    report = tmp_path / "report.json"
    run = run_kit(f"--tokenstore={spec}", f"--tokenstore-report={report}")
    assert run.ret == 0, run
    verdicts = run.verdicts()
    assert not run.failed_clauses(), run
    assert set(CLAUSES) <= set(verdicts), f"clauses missing from the table: {set(CLAUSES) - set(verdicts)}"
    assert f"{spec}: " in run.stdout
    # The list store scans by design (its docstring says why and what it costs): SCALE warns there.
    assert verdicts["SCALE"] == ("warned" if spec.endswith(":ListTokenStore") else "passed"), run
    # The page's row for the store is what this run makes (the page's other rows: test_compatibility.py).
    if spec in IN_PROCESS:
        stale = stale_rows([f"{label_of(spec)}={report}"])
        assert stale == [], "docs/compatibility.md is out of date: regenerate it with tox -e compat"
