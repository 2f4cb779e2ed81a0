"""Facts the documentation states about the kit, checked against the kit and against a real run."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re

import pytest
from support.layout import ROOT

import tokenstore_conformance.reference_stores as reference_stores
from tokenstore_conformance.runner.certify import verdict_line
from tokenstore_conformance.sdk import TokenStore

pytestmark = pytest.mark.contributing("Adding a reference store")

NUMBERS = {"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def _store_classes() -> set[str]:
    """The TokenStore classes of the package a user builds: shared base classes are not stores of their own."""
    found: dict[str, type] = {}
    for module in pkgutil.iter_modules(reference_stores.__path__):
        loaded = importlib.import_module(f"{reference_stores.__name__}.{module.name}")
        found |= {
            name: value
            for name, value in vars(loaded).items()
            if inspect.isclass(value)
            and issubclass(value, TokenStore)
            and value is not TokenStore
            and value.__module__ == loaded.__name__
        }
    bases = {base for cls in found.values() for base in cls.__mro__[1:]}
    return {name for name, cls in found.items() if cls not in bases}


def test_the_number_of_reference_stores_is_the_one_the_docs_say():
    classes = _store_classes()
    table = (ROOT / "docs/reference-stores.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `[\w.]+` \| `([A-Z]\w+)\(", table, re.MULTILINE))
    assert listed == classes
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (said,) = re.findall(r"ships (\w+) reference stores", readme)
    (held,) = re.findall(r"holds (\w+) stores that pass every clause", table)
    assert NUMBERS[said] == NUMBERS[held] == len(classes)


def test_the_sample_verdict_in_ci_md_is_what_the_bundled_store_gets(run_kit, pytester):
    run = run_kit(
        "--tokenstore=tokenstore_conformance.reference_stores.sqlite_store:tmp_path_store",
        "--tokenstore-report=report.json",
    )
    assert run.ret == 0, run
    document = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    line = verdict_line(document, document["stores"][0])
    measured = line.split(", tokenstore-conformance", 1)[0]
    page = (ROOT / "docs/ci.md").read_text(encoding="utf-8")
    (sample,) = re.findall(r"`(conformant: [^`]*?), tokenstore-conformance [^`]*`", page)
    assert sample == measured


def test_every_junit_property_the_kit_writes_is_documented(run_kit, pytester):
    run = run_kit(
        "--tokenstore=broken_stores.byid_raises_on_miss:Store",
        "--junitxml=junit.xml",
        "-k",
        "by_id or every_record",
    )
    assert run.ret == 1, run
    written = set(
        re.findall(r'<property name="(tokenstore[^"]*)"', (pytester.path / "junit.xml").read_text())
    )
    page = (ROOT / "docs/report.md").read_text(encoding="utf-8").split("## junit XML", 1)[1]
    documented = set(re.findall(r"`(tokenstore[._]\w+)`|\"(tokenstore\.\w+)\"", page))
    documented = {name for pair in documented for name in pair if name}
    assert {"tokenstore.clause", "tokenstore.store", "tokenstore_clauses"} <= written
    assert written <= documented
