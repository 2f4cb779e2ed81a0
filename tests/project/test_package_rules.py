"""Rules the package keeps about itself: one SDK import point, one home for flags, a clause on every contract test."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import tokenstore_conformance

pytestmark = pytest.mark.contributing("Layers and homes")

PACKAGE = Path(tokenstore_conformance.__file__).parent
CONTRACT_DIR = PACKAGE / "contract"
FLAGS_HOME = PACKAGE / "flags.py"
FLAG_PREFIX = "--tokenstore"


def _sdk_imports(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "zohocrmsdk" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "zohocrmsdk":
            return True
    return False


def test_only_sdk_py_imports_zohocrmsdk():
    importers = sorted(
        str(path.relative_to(path.parents[1])) for path in PACKAGE.rglob("*.py") if _sdk_imports(path)
    )
    assert importers == ["tokenstore_conformance/sdk.py"]


def _flag_literals(source: str) -> list[str]:
    """String literals of the code (f-string parts included) that spell a flag; docstrings are prose, not code."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and FLAG_PREFIX in node.value
    ]


def test_only_flags_py_spells_a_flag():
    """Every other module builds a flag with ``flags.flag()``, so a renamed option is renamed once."""
    spelled = {
        str(path.relative_to(PACKAGE)): literals
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != FLAGS_HOME and (literals := _flag_literals(path.read_text(encoding="utf-8")))
    }
    assert spelled == {}


def test_the_flag_check_sees_a_flag_inside_an_f_string():
    source = (
        '"""Mentions --tokenstore in prose."""\n\ndef hint(spec):\n    return f"pass --tokenstore={spec}"\n'
    )
    assert _flag_literals(source) == ["pass --tokenstore="]


def test_every_contract_test_names_its_clause():
    from tokenstore_conformance.harness.clauses import CLAUSES

    unmarked, unknown = [], []
    for path in sorted(CONTRACT_DIR.glob("test_*.py")):
        module = importlib.import_module(f"tokenstore_conformance.contract.{path.stem}")
        for name, obj in vars(module).items():
            if not name.startswith(("test_", "Test")) or getattr(obj, "__module__", None) != module.__name__:
                continue
            marks = [m for m in getattr(obj, "pytestmark", []) if m.name == "clause"]
            if not marks:
                unmarked.append(f"{path.name}::{name}")
            unknown += [cid for m in marks for cid in m.args if cid not in CLAUSES]
    assert unmarked == []
    assert unknown == []
