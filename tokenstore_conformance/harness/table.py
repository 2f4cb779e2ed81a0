"""The clause table at the end of a run: one row per clause, one column per store, and what to fix first."""

from __future__ import annotations

import shlex
from collections.abc import Callable

from ..flags import STORES, flag
from ..target import network
from .clauses import Clause
from .terse_table import blocked_lines, terse_rows
from .verdicts import (
    BLOCKED,
    EXPECTED_FAILURE,
    FAILED,
    NOT_APPLICABLE,
    NOT_BUILT,
    NOT_JUDGED,
    PASSED,
    UNEXPECTED_PASS,
    WARNED,
    Verdicts,
)

COUNTED = (PASSED, FAILED, BLOCKED, WARNED, EXPECTED_FAILURE, UNEXPECTED_PASS, NOT_JUDGED, NOT_APPLICABLE)


def write_table(
    tr,
    verdicts: Verdicts,
    clauses: list[Clause],
    specs: list[str],
    *,
    terse: bool = False,
    show_test: Callable[[str], str] = str,
) -> None:
    """The table; under terse output only the clauses to act on, root faults first (terse_table.py)."""
    ran = [c for c in clauses if any(verdicts.verdict(c.id, s) for s in specs)]
    if not ran:
        return
    tr.section("TokenStore contract by clause")
    rows = terse_rows(verdicts, ran, specs) if terse else ran
    width = max(len(c.id) for c in ran)
    cell = max(len(v) for v in (*COUNTED, NOT_BUILT))
    for index, spec in enumerate(specs, 1):
        tr.write_line(f"[{index}] {spec}")
    tr.write_line(
        f"{'clause':<{width}}  level   " + "  ".join(f"{f'[{i}]':<{cell}}" for i in range(1, len(specs) + 1))
    )
    for clause in rows:
        cells = [verdicts.shown(clause.id, s) or "-" for s in specs]
        notes = _notes(verdicts, clause.id, specs)
        markup = {"red": True} if FAILED in cells and clause.level == "MUST" else {}
        tr.write_line(
            f"{clause.id:<{width}}  {clause.level:<6}  " + "  ".join(f"{c:<{cell}}" for c in cells) + notes,
            **markup,
        )
    for spec in specs:
        _footer(tr, verdicts, ran, spec, terse, show_test)


def _notes(verdicts: Verdicts, clause_id: str, specs: list[str]) -> str:
    violated, blocked = [], []
    for index, spec in enumerate(specs, 1):
        entry = verdicts.outcomes.get((clause_id, spec))
        if entry is not None and entry.violated and verdicts.verdict(clause_id, spec) == FAILED:
            violated.append(f"[{index}] {', '.join(entry.violated)}")
        blockers = verdicts.blockers(clause_id, spec)
        if blockers:
            blocked.append(f"[{index}] {', '.join(blockers)}")
    notes = ""
    if violated:
        notes += f"  violates: {'; '.join(violated)}"
    if blocked:
        notes += f"  blocked by: {'; '.join(blocked)}"
    return notes


def _refused_line(tr, verdicts: Verdicts, spec: str, show_test: Callable[[str], str]) -> None:
    """Where NET-LOOPBACK failed: the test that saw it may be any clause's test, and may have passed."""
    entry = verdicts.outcomes.get((network.CLAUSE, spec))
    if entry is not None and entry.first_failure and verdicts.verdict(network.CLAUSE, spec) == FAILED:
        tr.write_line(
            f"  {network.CLAUSE}: {entry.first_failure}, first in {show_test(entry.first_failing_test)}"
        )


def _not_applicable_lines(tr, verdicts: Verdicts, clauses: list[Clause], spec: str) -> None:
    """Why each clause did not apply, one line per reason: what the store declares, and what to declare."""
    by_reason: dict[str, list[str]] = {}
    for clause in clauses:
        entry = verdicts.outcomes.get((clause.id, spec))
        reason = entry.not_applicable_because if entry is not None else ""
        # A reason that names its clause ("CRASH-DURABLE applies to ...") is shared by the others.
        shared = (reason or "its tests were skipped").replace(clause.id, "{clause}")
        by_reason.setdefault(shared, []).append(clause.id)
    for reason, ids in by_reason.items():
        they = "it" if len(ids) == 1 else "they"
        said = reason.replace("{clause} applies", f"{they} apply" if len(ids) > 1 else "it applies")
        tr.write_line(f"  not applicable: {', '.join(ids)}: {said.replace('{clause}', they)}")


def _footer(
    tr, verdicts: Verdicts, ran: list[Clause], spec: str, terse: bool, show_test: Callable[[str], str]
) -> None:
    if spec in verdicts.not_built:
        tr.write_line(f"{spec}: not built: {verdicts.not_built[spec]}", bold=True, red=True)
        return
    tally = {v: [c for c in ran if verdicts.shown(c.id, spec) == v] for v in COUNTED}
    must = sum(c.level == "MUST" for c in tally[FAILED])
    counts = [f"{len(tally[PASSED])} clauses passed", f"{len(tally[FAILED])} failed ({must} MUST)"]
    counts += [
        f"{len(tally[v])} {v}"
        for v in (BLOCKED, WARNED, EXPECTED_FAILURE, UNEXPECTED_PASS, NOT_JUDGED)
        if tally[v]
    ]
    counts.append(f"{len(tally[NOT_APPLICABLE])} {NOT_APPLICABLE}")
    bad = tally[FAILED] or tally[UNEXPECTED_PASS]
    tr.write_line(f"{spec}: {', '.join(counts)}", bold=True, red=bool(must or bad), green=not bad)
    _not_applicable_lines(tr, verdicts, tally[NOT_APPLICABLE], spec)
    _refused_line(tr, verdicts, spec, show_test)
    if terse:
        for line in blocked_lines(verdicts, tally[BLOCKED], spec):
            tr.write_line(line)
    roots = verdicts.roots(spec, [c.id for c in ran])
    unchecked = sorted(
        {b for c in tally[BLOCKED] for b in verdicts.blockers(c.id, spec) if not verdicts.verdict(b, spec)}
    )
    blocked = len(tally[BLOCKED])
    if unchecked:
        tr.write_line(
            f"  {blocked} clause(s) blocked by clauses this run did not check: {', '.join(unchecked)}"
        )
        roots = [*roots, *unchecked]
    if not roots:
        return
    tr.write_line(
        f"  {len(roots)} root fault{'s' * (len(roots) != 1)} ({', '.join(roots)}), "
        f"{blocked} clause{'s' * (blocked != 1)} blocked; fix them in this order, then rerun them with:"
    )
    tr.write_line(f"  pytest {flag(STORES)}={shlex.quote(spec)} -k {shlex.quote(' or '.join(roots))}")
