"""-n N with a store whose instances share one fixed place: refused in one line; stores per tmp_path run."""

from __future__ import annotations

import pytest

FIXED_PATH_STORES = """
from pathlib import Path

from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore

HERE = Path(__file__).parent


def fixed_path_store():
    # The way a blog-style store is written: one file, wherever the process runs.
    return SQLiteTokenStore(HERE / "tokens.db")


def per_test_store(tmp_path):
    return SQLiteTokenStore(tmp_path / "tokens.db")
"""


def test_a_store_on_a_fixed_path_is_refused_under_xdist_and_keeps_nothing(run_kit, pytester):
    pytester.makepyfile(fixed=FIXED_PATH_STORES)
    run = run_kit("--tokenstore=fixed:fixed_path_store", "-n", "2", timeout=120)
    errors = [line for line in run.stderr.splitlines() if line.startswith("ERROR: ")]
    assert run.ret == pytest.ExitCode.USAGE_ERROR, run
    assert len(errors) == 1, run
    assert "pytest-xdist workers would share this store's storage" in errors[0]
    assert "run it without -n, or give the factory a tmp_path parameter" in errors[0]
    # The probe token is gone again: the store is as empty as the kit found it.
    serial = run_kit("--tokenstore=fixed:fixed_path_store", "-k", "SAVE-INSERT", timeout=120)
    assert serial.ret == 0, serial


def test_the_same_store_under_tmp_path_runs_under_xdist(run_kit, pytester):
    pytester.makepyfile(fixed=FIXED_PATH_STORES)
    run = run_kit(
        "--tokenstore=fixed:per_test_store", "-n", "2", "-k", "SAVE-INSERT or FIND-BY-ID", timeout=120
    )
    assert run.ret == 0, run
    assert run.verdicts()["FIND-BY-ID"] == "passed", run
