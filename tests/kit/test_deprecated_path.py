"""The reference stores' old top-level path still works for a release, and says where they went."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import tokenstore_conformance.reference_stores as moved

NEW_MODULES = sorted(p.stem for p in Path(moved.__file__).parent.glob("*.py") if p.stem != "__init__")


def _python(code: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True, timeout=60)


def test_importing_the_old_path_warns_with_the_new_one():
    run = _python("import reference_stores.sqlite_store", "-W", "error::DeprecationWarning")
    assert run.returncode == 1, run
    assert "DeprecationWarning" in run.stderr
    assert "import tokenstore_conformance.reference_stores instead" in run.stderr


def test_every_moved_module_has_an_old_name_that_is_the_same_module():
    names = ", ".join(NEW_MODULES)
    code = (
        "import importlib, warnings\n"
        "warnings.simplefilter('ignore', DeprecationWarning)\n"
        f"for name in {NEW_MODULES!r}:\n"
        "    old = importlib.import_module('reference_stores.' + name)\n"
        "    new = importlib.import_module('tokenstore_conformance.reference_stores.' + name)\n"
        "    assert old is new, name\n"
        "from reference_stores.sqlite_store import SQLiteTokenStore\n"
        "from tokenstore_conformance.reference_stores import sqlite_store\n"
        "assert SQLiteTokenStore is sqlite_store.SQLiteTokenStore\n"
        "print('same')\n"
    )
    run = _python(code)
    assert run.returncode == 0, (names, run.stderr)
    assert run.stdout.strip() == "same"


def test_the_old_path_covers_exactly_the_moved_modules():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import reference_stores as old
    shims = sorted(p.stem for p in Path(old.__file__).parent.glob("*.py") if p.stem != "__init__")
    assert shims == NEW_MODULES


def test_a_spec_on_the_old_path_still_runs_the_contract(run_kit):
    run = run_kit("--tokenstore=reference_stores.list_store:ListTokenStore", "-k", "SAVE-UPSERT-USER")
    assert run.ret == pytest.ExitCode.OK, run
    verdicts = run.verdicts()
    assert verdicts["SAVE-UPSERT-USER"] == "passed", verdicts
