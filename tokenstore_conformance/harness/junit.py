"""Per-test properties for junit XML: which clause, level and store a contract test checks.

They go into the test item's ``user_properties``, which pytest's ``--junitxml``
writes as ``<property>`` elements of the test case and which travel with each
report from pytest-xdist workers, so CI tools that read junit XML can group
results by clause without knowing the kit.
"""

from __future__ import annotations

from .clauses import CLAUSES

CLAUSE = "tokenstore.clause"
LEVEL = "tokenstore.level"
STORE = "tokenstore.store"


def junit_properties(spec: str, clause_ids: list[str]) -> list[tuple[str, str]]:
    """One ``tokenstore.clause`` and one ``tokenstore.level`` per clause (in the same order), one store."""
    found: list[tuple[str, str]] = []
    for cid in clause_ids:
        clause = CLAUSES.get(cid)
        found += [(CLAUSE, cid), (LEVEL, clause.level if clause else "?")]
    return [*found, (STORE, spec)]
