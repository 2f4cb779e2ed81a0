"""docs/ci.md: the commands of its GitHub and GitLab jobs, run in a store author's repository.

The YAML is not run; every command in it is, in a directory laid out like a
store author's repository, on a store with a known failure (the job passes),
with a new failure (it fails), with the known failure fixed (it fails until the
line is removed), and ``certify`` on a store that passes every clause. The
install step runs in a fresh environment, from the kit's wheel in ``wheels/``
(before a release) and from a package index (after it).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.ci_commands import commands, fenced
from support.kit_source import build_wheel, copy_source, fresh_environment, run, with_first_on_path
from support.layout import CHILD_PYTHONPATH, ROOT, TESTS_DIR
from support.reports import clause_verdicts, valid_report

from tokenstore_conformance import __version__

DOC = ROOT / "docs" / "ci.md"
INSTALL = "python -m pip install --find-links=wheels . tokenstore-conformance"
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
STORE_PROJECT = """
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "mypkg"
version = "1.0"

[tool.setuptools]
packages = ["mypkg"]
"""
FIXED = """
from correct_stores.sqlite_single_connection import SQLiteStore as MyStore
"""


def blocks(language: str) -> list[str]:
    return fenced(DOC.read_text(encoding="utf-8"), language)


def yaml_commands() -> list[str]:
    return [command for block in blocks("yaml") for command in commands(block)]


def in_repository(
    repo: Path,
    command: str,
    narrow: bool = True,
    bin_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run a recipe command the way the job's shell would, with the job's Python first on PATH.

    The job's Python is this environment's unless ``bin_dir`` names a fresh one.
    """
    env = with_first_on_path(bin_dir or Path(sys.executable).parent, env)
    env["PYTHONPATH"] = CHILD_PYTHONPATH
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
    (tmp_path / "pyproject.toml").write_text(STORE_PROJECT)
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.fixture(scope="module")
def kit_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kit's wheel, as a store author builds it from a clone (docs/install.md)."""
    source = copy_source(tmp_path_factory.mktemp("kit") / "source")
    return build_wheel(source, tmp_path_factory.mktemp("built"))


def _index_urls_with(env: dict[str, str], index: Path) -> str:
    """The extra index URLs pip already uses here, and ``index``: a package index on this machine."""
    configured = env.get("PIP_EXTRA_INDEX_URL")
    if configured is None:
        asked = run([sys.executable, "-m", "pip", "config", "get", "global.extra-index-url"], TESTS_DIR, env)
        configured = asked.stdout.strip() if asked.returncode == 0 else ""
    return f"{configured} {index.as_uri()}".strip()


def test_the_install_step_installs_the_kit_from_wheels_before_a_release(repo, kit_wheel, tmp_path_factory):
    job_env = tmp_path_factory.mktemp("job-env")
    job = fresh_environment(job_env)
    (repo / "wheels").mkdir()
    shutil.copy(kit_wheel, repo / "wheels")
    _store(repo, FIXED)

    installed = in_repository(repo, INSTALL, bin_dir=job)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    where = run([str(job / "python"), "-c", "import tokenstore_conformance as k; print(k.__file__)"], repo)
    assert Path(where.stdout.strip()).is_relative_to(job_env), where.stdout + where.stderr

    (repo / "tokenstore-expect.txt").write_text("")
    check = next(c for c in yaml_commands() if " check " in c)
    checked = in_repository(repo, check, bin_dir=job)
    assert checked.returncode == 0, checked.stdout[-3000:]
    assert (
        clause_verdicts(valid_report(repo / "tokenstore-report.json")["stores"][0])["BYID-MISS"] == "passed"
    )


def test_after_a_release_the_same_install_step_takes_the_kit_from_the_index(
    repo, kit_wheel, tmp_path_factory
):
    """No ``wheels/`` directory: pip finds the kit on a package index, as it will on PyPI."""
    job = fresh_environment(tmp_path_factory.mktemp("job-env"))
    index = tmp_path_factory.mktemp("index")
    (index / "tokenstore-conformance").mkdir(parents=True)
    shutil.copy(kit_wheel, index / "tokenstore-conformance")
    # A simple repository page (PEP 503), as PyPI serves one for every project.
    (index / "tokenstore-conformance" / "index.html").write_text(
        f'<!DOCTYPE html><html><body><a href="{kit_wheel.name}">{kit_wheel.name}</a></body></html>'
    )
    env = dict(os.environ)
    env["PIP_EXTRA_INDEX_URL"] = _index_urls_with(env, index)
    env.pop("PIP_FIND_LINKS", None)

    installed = in_repository(repo, INSTALL, bin_dir=job, env=env)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    assert not (repo / "wheels").exists()
    assert f"{index / 'tokenstore-conformance' / kit_wheel.name}" in installed.stdout, installed.stdout[
        -3000:
    ]
    version = run([str(job / "python"), "-m", "tokenstore_conformance", "--version"], repo)
    assert version.stdout.strip() == f"tokenstore-conformance {__version__}", version.stdout + version.stderr
