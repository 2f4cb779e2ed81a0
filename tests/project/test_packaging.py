"""The package is release-ready: what the release workflow builds, checks and would publish.

The workflow's build steps run here on a copy of the source in its release
state (the version and the changelog's dated section, as docs/install.md's
release commit makes them), so a tag that the workflow would refuse, a build
that fails, metadata that ``twine check`` rejects, or a wheel or sdist that
misses what it must hold fails here first.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
import tomllib
from support.ci_commands import commands, job
from support.kit_source import ROOT, copy_source, run, with_first_on_path

from tokenstore_conformance import __version__

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
RELEASE = re.sub(r"\.dev\d*$", "", __version__)
DOCUMENTED = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _in_release_state(source: Path) -> None:
    """What the release commit changes: the version, and the date on its changelog section."""
    init = source / "tokenstore_conformance" / "__init__.py"
    init.write_text(init.read_text().replace(f'"{__version__}"', f'"{RELEASE}"'))
    changelog = source / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace(f"## {RELEASE} - unreleased", f"## {RELEASE} - 2026-12-10")
    )


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dist/ directory the release workflow's build job leaves, from a copy in its release state."""
    source = copy_source(tmp_path_factory.mktemp("release") / "source")
    _in_release_state(source)
    env = with_first_on_path(Path(sys.executable).parent)
    env["GITHUB_REF_NAME"] = f"v{RELEASE}"
    for command in commands(job(WORKFLOW.read_text(), "build")):
        done = run(command, source, env)
        assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    return source / "dist"


def _release_check(source: Path, tag: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "scripts/release_check.py", tag], source)


def test_the_version_says_it_is_not_a_release_and_the_changelog_has_its_section():
    assert re.fullmatch(r"\d+\.\d+\.\d+\.dev\d+", __version__), __version__
    assert f"\n## {RELEASE} - unreleased\n" in (ROOT / "CHANGELOG.md").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "tokenstore_conformance.__version__"
    }


def test_the_release_check_refuses_a_development_version_and_a_tag_that_does_not_match(tmp_path):
    source = copy_source(tmp_path / "source")
    refused = _release_check(source, f"v{__version__}")
    assert refused.returncode == 1
    assert f"{__version__} is a development or local version" in refused.stderr
    assert f"no section '## {__version__} - YYYY-MM-DD'" in refused.stderr

    _in_release_state(source)
    assert _release_check(source, f"v{RELEASE}").returncode == 0
    mismatch = _release_check(source, f"v{RELEASE}1")
    assert mismatch.returncode == 1
    assert f"does not match the version '{RELEASE}'" in mismatch.stderr


def test_the_release_workflow_publishes_with_trusted_publishing_after_the_tests():
    workflow = WORKFLOW.read_text()
    assert re.search(r'^on:\n  push:\n    tags: \["v\*"\]$', workflow, re.MULTILINE)
    publish = job(workflow, "publish")
    assert "needs: [test, build]" in publish
    assert "id-token: write" in publish
    assert "uses: pypa/gh-action-pypi-publish@release/v1" in publish
    assert "password" not in publish
    assert "secrets." not in workflow
    assert commands(job(workflow, "test")) == ["sudo bash .ci/run"]


def test_the_build_job_makes_an_sdist_and_a_wheel_of_the_release(released):
    assert sorted(p.name for p in released.iterdir()) == [
        f"tokenstore_conformance-{RELEASE}-py3-none-any.whl",
        f"tokenstore_conformance-{RELEASE}.tar.gz",
    ]


def test_the_wheel_holds_the_package_its_entry_points_and_complete_metadata(released):
    (wheel,) = released.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = f"tokenstore_conformance-{RELEASE}.dist-info"
        metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert "tokenstore_conformance/harness/report.schema.json" in names
    assert "tokenstore_conformance/contract/test_find.py" in names
    assert "reference_stores/__init__.py" in names
    assert f"{info}/licenses/LICENSE" in names
    assert not [n for n in names if n.startswith(("tests/", "docs/")) or "__pycache__" in n]
    assert "tokenstore = tokenstore_conformance.plugin" in entry_points
    assert "tokenstore-conformance = tokenstore_conformance.cli:main" in entry_points

    assert metadata["Version"] == RELEASE
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata["Author"]
    assert "Development Status :: 3 - Alpha" in metadata.get_all("Classifier")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert set(metadata.get_all("Provides-Extra")) == set(extras)
    assert metadata.get_payload().startswith("# tokenstore-conformance")


def test_the_sdist_holds_what_a_packager_needs_to_run_the_tests(released):
    (sdist,) = released.glob("*.tar.gz")
    top = f"tokenstore_conformance-{RELEASE}/"
    with tarfile.open(sdist) as archive:
        names = {name.removeprefix(top) for name in archive.getnames()}
    expected = {
        "pyproject.toml", "README.md", "CHANGELOG.md", "LICENSE", "tox.ini", "docs/contract.md",
        "docs/install.md", "tests/conftest.py", "tests/corpus/broken_stores/__init__.py", "scripts/dbservers",
        "scripts/release_check.py", "tokenstore_conformance/harness/report.schema.json",
        "tests/support/servers.py", "tools/concurrency_rates.py",
    }  # fmt: skip
    assert expected <= names, expected - names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


@pytest.mark.slow
def test_a_git_url_builds_the_package(tmp_path):
    """``pip install "tokenstore-conformance @ git+URL"`` (docs/install.md), from a repository of the source."""
    source = copy_source(tmp_path / "repository")
    git = ["git", "-c", "user.name=kit", "-c", "user.email=kit@localhost", "-c", "init.defaultBranch=main"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "source"]):
        done = run([*git, *step], source)
        assert done.returncode == 0, done.stderr
    # file://localhost/...: a PEP 508 URL needs a host, which file:/// lacks.
    requirement = f"tokenstore-conformance @ git+file://localhost{source.as_posix()}@main"
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path / "out"), requirement],
        tmp_path,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = (tmp_path / "out").glob("*.whl")
    assert wheel.name == f"tokenstore_conformance-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        assert "tokenstore_conformance/harness/report.schema.json" in archive.namelist()


def test_every_documented_install_of_the_kit_names_extras_it_has():
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])
    named = {
        extra.strip()
        for page in DOCUMENTED
        for group in re.findall(r"(?:tokenstore-conformance|\.)\[([a-z,\s-]+)\]", page.read_text())
        for extra in group.split(",")
    }
    assert named, "no documented install names an extra"
    assert named <= extras, named - extras


def test_every_page_that_installs_the_kit_by_name_says_how_before_the_first_release():
    """Until the release, ``pip install tokenstore-conformance`` alone finds nothing on PyPI."""
    by_name = re.compile(r"pip install (?!--find-links)[^\n`]*\btokenstore-conformance\b")
    assert "The first release is not on PyPI yet." in (ROOT / "docs" / "install.md").read_text()
    silent = [
        page.name
        for page in DOCUMENTED
        if page.name != "install.md"
        and by_name.search(page.read_text())
        and "install.md" not in page.read_text()
    ]
    assert not silent, f"these pages install the kit by name and do not point at docs/install.md: {silent}"
