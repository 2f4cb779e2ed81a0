"""The child runs exercise the installed kit, so the kit cannot lean on files only this repository has.

``run_kit`` starts pytest in an empty temporary directory with only ``tests/`` on
PYTHONPATH. A kit that read ``docs/`` at run time, or imported a module that is
not packaged, would fail there once installed from a wheel. With
``TOKENSTORE_REQUIRE_INSTALLED=1`` (set by CI after installing the built wheel)
the test also fails if the child imported anything from this source tree, which
is what an editable install does.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from support.layout import ROOT, TESTS_DIR

# The packages as they are in this checkout; an installed copy lives elsewhere (site-packages,
# which may itself sit inside the checkout, as with tox's .tox/).
# reference_stores: the deprecated old import path, which must come from the installed copy too.
SOURCE_PACKAGES = [ROOT / "tokenstore_conformance", ROOT / "reference_stores"]
PROBE = """
import importlib


def pytest_report_header(config):
    names = ("tokenstore_conformance", "tokenstore_conformance.contract", "tokenstore_conformance.reference_stores")
    return [f"kit-location {name} {importlib.import_module(name).__file__}" for name in names]
"""
LOCATION = re.compile(r"^kit-location (?P<name>\S+) (?P<path>.+)$", re.MULTILINE)


def _inside(path: Path, directory: Path) -> bool:
    return directory.resolve() in path.resolve().parents


def test_the_child_run_imports_an_installed_kit(run_kit, pytester):
    pytester.makeconftest(PROBE)
    run = run_kit(
        "--tokenstore=tokenstore_conformance.reference_stores.list_store:ListTokenStore", "--collect-only"
    )
    assert run.ret == 0, run
    locations = {m["name"]: Path(m["path"]) for m in LOCATION.finditer(run.stdout)}
    assert set(locations) == {
        "tokenstore_conformance",
        "tokenstore_conformance.contract",
        "tokenstore_conformance.reference_stores",
    }
    for name, path in locations.items():
        assert not _inside(path, TESTS_DIR), f"{name} came from tests/: {path}"
        assert not _inside(path, pytester.path), f"{name} came from the child's directory: {path}"
    kit = locations["tokenstore_conformance"].parent
    assert locations["tokenstore_conformance.contract"].parent.parent == kit
    collected = re.findall(r"<Module (test_\w+\.py)>", run.stdout)
    assert collected
    assert sorted(set(collected)) == sorted(p.name for p in (kit / "contract").glob("test_*.py"))
    if os.environ.get("TOKENSTORE_REQUIRE_INSTALLED") == "1":
        from_source = {
            name: str(path)
            for name, path in locations.items()
            if any(_inside(path, package) for package in SOURCE_PACKAGES)
        }
        assert from_source == {}, (
            "TOKENSTORE_REQUIRE_INSTALLED=1, but the child imported these from the source tree; install the "
            "built wheel (not an editable install) into the environment that runs the tests"
        )
