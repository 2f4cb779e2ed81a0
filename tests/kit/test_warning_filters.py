"""Projects that run pytest with warnings as errors get the same verdicts as everyone else."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

LIST_STORE = "tokenstore_conformance.reference_stores.list_store:ListTokenStore"
SQLITE_STORE = "tokenstore_conformance.reference_stores.sqlite_store:tmp_path_store"
# FLOW-CONCURRENT-REFRESH (on the SQLite file, a store for processes) records a property for the
# junit file; SCALE warns on the list store, which scans.
CHOSEN = "FLOW-CONCURRENT-REFRESH or SCALE or SAVE-INSERT"


@pytest.mark.parametrize("errors", [("-W", "error"), ("-o", "filterwarnings=error")], ids=["-W", "ini"])
def test_warnings_as_errors_and_an_xunit2_junit_file_fail_no_clause(run_kit, pytester, errors):
    run = run_kit(
        f"--tokenstore={LIST_STORE}",
        f"--tokenstore={SQLITE_STORE}",
        *errors,
        "--junitxml=junit.xml",
        "-o",
        "junit_family=xunit2",
        "-k",
        CHOSEN,
    )
    assert run.ret == pytest.ExitCode.OK, run
    verdicts, on_sqlite = run.verdicts(0), run.verdicts(1)
    assert on_sqlite["FLOW-CONCURRENT-REFRESH"] == "passed", run
    assert on_sqlite["SAVE-INSERT"] == verdicts["SAVE-INSERT"] == "passed", run
    # A SHOULD clause is still a warning: --tokenstore-strict, not the warning filter, makes it fail.
    assert verdicts["SCALE"] == "warned", run
    assert "ShouldClauseWarning" in run.stdout, run
    suite = ET.parse(pytester.path / "junit.xml").getroot().find("testsuite")
    assert suite.get("errors") == "0"
    assert suite.get("failures") == "0"


def test_a_project_can_hide_the_should_warning_by_its_class(run_kit):
    run = run_kit(
        f"--tokenstore={LIST_STORE}",
        "-W",
        "error",
        "-W",
        "ignore::tokenstore_conformance.harness.report.ShouldClauseWarning",
        "-k",
        "SCALE",
    )
    assert run.ret == pytest.ExitCode.OK, run
    assert run.verdicts()["SCALE"] == "warned", run
    assert "ShouldClauseWarning" not in run.stdout, run
