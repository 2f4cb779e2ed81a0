"""docs/contract.md and the clause registry the plugin reports from must agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.layout import ROOT

from tokenstore_conformance.harness.clauses import CLAUSES

pytestmark = pytest.mark.contributing("Adding a clause")

CONTRACT = ROOT / "docs" / "contract.md"
HEADING = re.compile(r"^### (?P<id>[A-Z][A-Z0-9-]+) \((?P<level>MUST|SHOULD)\)$", re.MULTILINE)


def documented() -> dict[str, str]:
    return {m["id"]: m["level"] for m in HEADING.finditer(CONTRACT.read_text(encoding="utf-8"))}


def test_every_registered_clause_is_documented_with_its_level():
    registered = {cid: clause.level for cid, clause in CLAUSES.items()}
    assert documented() == registered


def test_every_documented_clause_names_its_tests_and_rationale():
    text = CONTRACT.read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    assert sections
    for section in sections:
        title = section.splitlines()[0]
        assert "\nRule: " in section, title
        assert "\nRationale: " in section, title
        assert "\nTests: `" in section, title


def test_every_test_the_contract_names_exists():
    import tokenstore_conformance.contract as contract

    contract_dir = Path(contract.__file__).parent
    named = re.findall(r"`(test_\w+\.py)::(test_\w+)`", CONTRACT.read_text(encoding="utf-8"))
    assert named
    missing = [
        f"{module}::{func}"
        for module, func in named
        if not (contract_dir / module).is_file()
        or f"def {func}(" not in (contract_dir / module).read_text(encoding="utf-8")
    ]
    assert missing == []
