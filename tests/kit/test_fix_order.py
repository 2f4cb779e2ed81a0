"""The dependency graph, the preconditions the contract tests state, the boundary and the guide agree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from support.layout import ROOT

import tokenstore_conformance.contract as contract
from tokenstore_conformance.harness.clauses import CLAUSES, FIX_TIERS, FOUNDATION
from tokenstore_conformance.records import FIND_BY
from tokenstore_conformance.target.boundary import DUPLICATE_ID_OWNERS, OWNERS, SHAPE_OWNERS

pytestmark = pytest.mark.contributing("Adding a clause")

GUIDE = ROOT / "docs" / "guide.md"
# Preconditions named by an expression, not a literal: a lookup by whichever key the case uses.
DYNAMIC = {"FIND_BY[key]": set(FIND_BY.values()), "key.find_clause": set(FIND_BY.values())}


def _named(node: ast.AST, helpers: dict[str, ast.FunctionDef], seen: set[str]) -> set[str]:
    found: set[str] = set()
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        name = getattr(call.func, "id", "") or getattr(call.func, "attr", "")
        if name in ("requires", "relying_on"):
            arg = call.args[0]
            if isinstance(arg, ast.Tuple):
                found |= {element.value for element in arg.elts}
            else:
                found |= {arg.value} if isinstance(arg, ast.Constant) else DYNAMIC[ast.unparse(arg)]
        elif name in helpers and name not in seen:
            found |= _named(helpers[name], helpers, seen | {name})
    return found


def stated_preconditions() -> dict[str, set[str]]:
    """clause -> the clauses its tests name in requires()/relying_on(), helpers and fixtures included."""
    stated: dict[str, set[str]] = {}
    for path in sorted(Path(contract.__file__).parent.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
        methods = {
            f.name: f
            for c in tree.body
            if isinstance(c, ast.ClassDef)
            for f in c.body
            if isinstance(f, ast.FunctionDef)
        }
        helpers = {name: f for name, f in {**methods, **functions}.items() if not name.startswith("test_")}
        for name, function in functions.items():
            if not name.startswith("test_"):
                continue
            marks = [d for d in function.decorator_list if isinstance(d, ast.Call)]
            clauses = [
                a.value
                for d in marks
                if "clause" in (getattr(d.func, "id", ""), getattr(d.func, "attr", ""))
                for a in d.args
            ]
            named = _named(function, helpers, set())
            # A fixture of the module that the test takes is a step of the test as well.
            for argument in function.args.args:
                if argument.arg in helpers:
                    named |= _named(helpers[argument.arg], helpers, {argument.arg})
            for clause in clauses:
                stated.setdefault(clause, set()).update(named)
    return {clause: pre for clause, pre in stated.items() if pre}


PRECONDITIONS = {cid: set(clause.relies_on) for cid, clause in CLAUSES.items() if clause.relies_on}


def test_the_graph_is_what_the_contract_tests_state():
    """Each clause's tests state exactly its relies_on (the foundation comes on top, from the boundary)."""
    assert stated_preconditions() == PRECONDITIONS


def test_every_precondition_is_a_clause():
    assert {c for pre in PRECONDITIONS.values() for c in pre} | set(PRECONDITIONS) <= set(CLAUSES)
    assert set(FOUNDATION) <= set(CLAUSES)


def test_the_boundary_blames_only_the_foundation():
    """What a store call raises or returns in the wrong shape is owned by clauses every test stands on."""
    owners = {cid for table in (OWNERS, SHAPE_OWNERS) for group in table.values() for cid in group}
    owners |= set(DUPLICATE_ID_OWNERS)
    assert owners <= set(FOUNDATION)


def _guide_section() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    return text.split("## Fix in this order", 1)[1].split("\n## ", 1)[0]


def test_the_guide_lists_every_precondition():
    listed = {
        (match["clause"], pre.strip().strip("`"))
        for match in re.finditer(
            r"^- `(?P<clause>[A-Z-]+)` relies on (?P<pre>.+)$", _guide_section(), re.MULTILINE
        )
        for pre in match["pre"].rstrip(".").split(",")
    }
    table = {(clause, pre) for clause, pres in PRECONDITIONS.items() for pre in pres}
    assert listed == table


def test_the_guide_gives_the_fix_tiers_in_order():
    numbered = re.findall(r"^\d+\. (.+?):(.*?)\n(?=\d+\. |\n)", _guide_section(), re.MULTILINE | re.DOTALL)
    assert [title for title, _ in numbered[: len(FIX_TIERS)]] == [
        title.capitalize() for title, _ in FIX_TIERS
    ]
    for (_, text), (_, tier) in zip(numbered, FIX_TIERS, strict=False):
        assert re.findall(r"`([A-Z-]+)`", text.split(".", 1)[0]) == list(tier)
