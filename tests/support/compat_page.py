"""docs/compatibility.md as the tests read it: the stores of scripts/compat.py and the page's table rows.

The page is made from full kit runs. The reference stores that need no server
are run in full by test_reference_stores.py anyway, so their rows are checked
there, from the report of that run, and test_compatibility.py runs only the
other in-process stores (the SDK's FileStore).
"""

from __future__ import annotations

import importlib.util
import sys

from support.layout import ROOT
from tokenstore_conformance.runner.report import BEGIN, END, load, rows

PAGE = ROOT / "docs" / "compatibility.md"
# The in-process reference stores, each judged by a full child run in tests/stores/test_reference_stores.py.
REFERENCE_STORES = [
    "tokenstore_conformance.reference_stores.sqlite_store:SQLiteTokenStore",
    "tokenstore_conformance.reference_stores.sqlite_store:tmp_path_store",
    "tokenstore_conformance.reference_stores.memory_store:InMemoryTokenStore",
    "tokenstore_conformance.reference_stores.list_store:ListTokenStore",
]


def _compat_script():
    spec = importlib.util.spec_from_file_location("compat_script", ROOT / "scripts" / "compat.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


compat = _compat_script()
# The page's stores that need no server, by SPEC.
IN_PROCESS = {store.spec: store for store in compat.STORES if store.server is None}


def table_rows() -> list[str]:
    page = PAGE.read_text(encoding="utf-8")
    region = page[page.index(BEGIN) + len(BEGIN) : page.index(END)]
    header = ("| store |", "| --- |")
    return [line for line in region.splitlines() if line.startswith("| ") and not line.startswith(header)]


def stale_rows(labelled_reports: list[str]) -> list[str]:
    """The rows that ``LABEL=REPORT.json`` arguments make and the page does not hold."""
    page = table_rows()
    return [row for row in rows([load(source) for source in labelled_reports]) if row not in page]


def label_of(spec: str) -> str:
    return IN_PROCESS[spec].label
