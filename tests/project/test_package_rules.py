"""Rules the package keeps about itself: one SDK import point, a clause on every contract test."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import tokenstore_conformance

PACKAGE = Path(tokenstore_conformance.__file__).parent
CONTRACT_DIR = PACKAGE / "contract"


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
