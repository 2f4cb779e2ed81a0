"""The clause table under terse output: only the clauses to act on, root faults first, blocked ones counted.

A first run lists fifty clauses, most of them passed or blocked by one root
fault. Terse output keeps the rows that say what to do (failed, warned, an
unexpected pass, not judged), puts the root faults in the order to fix them
on top, and says in one line per blocker which clauses wait for it, instead
of a row for each.
"""

from __future__ import annotations

from .clauses import Clause
from .verdicts import EXPECTED_FAILURE, FAILED, NOT_JUDGED, UNEXPECTED_PASS, WARNED, Verdicts

ACT_ON = (FAILED, WARNED, UNEXPECTED_PASS, EXPECTED_FAILURE, NOT_JUDGED)
LISTED = 10  # blocked clauses named on one line; the rest are counted


def terse_rows(verdicts: Verdicts, ran: list[Clause], specs: list[str]) -> list[Clause]:
    """The clauses that did not pass in some store, other than blocked: each store's root faults first."""
    ids = [c.id for c in ran]
    by_id = {c.id: c for c in ran}
    first = [cid for spec in specs for cid in verdicts.roots(spec, ids)]
    rest = [c.id for c in ran if any(verdicts.shown(c.id, s) in ACT_ON for s in specs)]
    return [by_id[cid] for cid in dict.fromkeys([*first, *rest])]


def blocked_lines(verdicts: Verdicts, blocked: list[Clause], spec: str) -> list[str]:
    """One line per set of blockers: ``blocked by GET-ALL: 3 clauses (FIND-MISS-NONE, ...)``."""
    by_blockers: dict[tuple[str, ...], list[str]] = {}
    for clause in blocked:
        blockers = tuple(verdicts.blockers(clause.id, spec)) or ("clauses this run did not check",)
        by_blockers.setdefault(blockers, []).append(clause.id)
    lines = []
    for blockers, ids in by_blockers.items():
        named = ", ".join(ids[:LISTED]) + (f" and {len(ids) - LISTED} more" if len(ids) > LISTED else "")
        lines.append(
            f"  blocked by {' or '.join(blockers)}: {len(ids)} clause{'s' * (len(ids) != 1)} ({named})"
        )
    return lines
