"""docs/ci.md: the commands of its GitHub and GitLab jobs, run in a store author's repository.

The YAML is not run; every command in it is, in a directory laid out like a
store author's repository, on a store with a known failure (the job passes),
with a new failure (it fails), with the known failure fixed (it fails until the
line is removed), and ``certify`` on a store that passes every clause.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TESTS_DIR
from reports import clause_verdicts, valid_report

from tokenstore_conformance import __version__

DOC = TESTS_DIR.parent / "docs" / "ci.md"
INSTALL = "python -m pip install . tokenstore-conformance"
# The clauses the quick scenarios check (through PYTEST_ADDOPTS, so the commands stay the doc's).
SOME = "BYID-MISS or BYID-HIT or DELETE-ONE or FIND-MISS-NONE"

KNOWN_FAULT = """
from broken_stores.byid_raises_on_miss import Store as MyStore
"""
NEW_FAULT = """
from broken_stores.byid_raises_on_miss import Store
from tokenstore_conformance.sdk import SDKException


class MyStore(Store):
    def find_token(self, token):
        found = super().find_token(token)
        if found is None:
            raise SDKException("TOKEN_STORE", "no such token")  # the regression
        return found
"""
FIXED = """
from correct_stores.sqlite_single_connection import SQLiteStore as MyStore
"""


def blocks(language: str) -> list[str]:
    return re.findall(
        rf"^```{language}\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL
    )


def commands(block: str) -> list[str]:
    """The shell commands of a CI file: GitHub's ``run:`` steps and the items of GitLab's ``script:``."""
    found, script_indent = [], None
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip())
        if script_indent is not None:
            item = re.match(r"^\s*- (.+)$", line)
            if item and indent > script_indent:
                found.append(item[1])
                continue
            script_indent = None
        if line.strip() == "script:":
            script_indent = indent
        run = re.match(r"^\s*(?:- )?run: (.+)$", line)
        if run:
            found.append(run[1])
    return found


def yaml_commands() -> list[str]:
    return [command for block in blocks("yaml") for command in commands(block)]


def in_repository(repo: Path, command: str, narrow: bool = True) -> subprocess.CompletedProcess:
    """Run a recipe command the way the job's shell would, with this environment's Python first on PATH."""
    env = {**os.environ, "PYTHONPATH": str(TESTS_DIR)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env.pop("TOKENSTORE", None)
    options = "-p no:cacheprovider -p no:randomly"
    env["PYTEST_ADDOPTS"] = f"{options} -k {shlex.quote(SOME)}" if narrow else options
    return subprocess.run(
        ["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A store author's repository: the package with the store, and nothing of the kit."""
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text("")
    return tmp_path


def _store(repo: Path, source: str) -> None:
    (repo / "mypkg" / "stores.py").write_text(source)


def test_both_jobs_install_the_kit_and_run_the_same_check():
    github, gitlab = (commands(block) for block in blocks("yaml"))
    check = next(c for c in gitlab if " check " in c)
    assert check in github
    assert "--tokenstore-expect=tokenstore-expect.txt" in check
    assert "--tokenstore-report=tokenstore-report.json" in check
    assert github.count(INSTALL) == 2
    assert gitlab.count(INSTALL) == 1
    assert {c for c in github if " certify " in c}, github
    assert set(yaml_commands()) - {INSTALL} == {check, *(c for c in github if " certify " in c)}


def test_the_check_job_passes_on_known_failures_and_fails_on_a_regression(repo):
    check = next(c for c in yaml_commands() if " check " in c)
    (adopt,) = [
        line for block in blocks("sh") for line in block.splitlines() if "--tokenstore-expect-write" in line
    ]
    _store(repo, KNOWN_FAULT)
    adopted = in_repository(repo, adopt)
    assert adopted.returncode == 1, adopted.stdout[-3000:]
    assert "[mypkg.stores:MyStore]\nBYID-MISS" in (repo / "tokenstore-expect.txt").read_text()

    known = in_repository(repo, check)
    assert known.returncode == 0, known.stdout[-3000:]
    store = valid_report(repo / "tokenstore-report.json")["stores"][0]
    assert clause_verdicts(store)["BYID-MISS"] == "expected-failure"
    assert "tokenstore.clause" in (repo / "tokenstore-junit.xml").read_text()

    _store(repo, NEW_FAULT)
    regression = in_repository(repo, check)
    assert regression.returncode == 1, regression.stdout[-3000:]
    store = valid_report(repo / "tokenstore-report.json")["stores"][0]
    assert clause_verdicts(store)["FIND-MISS-NONE"] == "failed"

    _store(repo, FIXED)
    fixed = in_repository(repo, check)
    assert fixed.returncode == 1, fixed.stdout[-3000:]
    assert "unexpected-pass: BYID-MISS now passes, remove it from tokenstore-expect.txt" in fixed.stdout


def test_the_certify_job_certifies_a_store_that_passes(repo):
    (certify,) = [c for c in yaml_commands() if " certify " in c]
    _store(repo, FIXED)
    done = in_repository(repo, certify, narrow=False)
    assert done.returncode == 0, done.stdout[-3000:]
    assert re.fullmatch(
        rf"!\[TokenStore contract {re.escape(__version__)}: conformant (\d+)/\1 MUST\]\(tokenstore-badge.svg\)",
        done.stdout.splitlines()[-1],
    ), done.stdout[-3000:]
    report = json.loads((repo / "tokenstore-report.json").read_text())
    assert report["stores"][0]["verdict"] == "conformant"
    assert (repo / "tokenstore-badge.svg").read_text().startswith("<svg")
