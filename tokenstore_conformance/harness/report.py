"""Clause-by-clause reporting: the header, a note on each failure, and the verdict table."""

from __future__ import annotations

from collections import defaultdict

import pytest

from .. import __version__
from ..records import TokenRecord, explain_difference
from .clauses import CLAUSES, Clause
from .settings import Settings

OUTCOME_ORDER = ("failed", "passed", "skipped")
TESTED = "tokenstore_clauses"
VIOLATED = "tokenstore_violated"


def clause_ids(item: pytest.Item) -> list[str]:
    """The clause ids a test checks, from its ``clause`` markers."""
    return [cid for marker in item.iter_markers("clause") for cid in marker.args]


def describe(clause_id: str) -> str:
    clause = CLAUSES.get(clause_id)
    if clause is None:
        return clause_id
    return f"{clause.id} ({clause.level}): {clause.rule}"


def tested(user_properties: list[tuple[str, object]]) -> tuple[str, list[str]] | None:
    """(store spec, clause ids) of a contract test, from its item's or report's user_properties."""
    for name, value in user_properties:
        if name == TESTED:
            spec, ids = value
            return spec, list(ids)
    return None


def _is_record_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, TokenRecord) for item in value)


def violated_clauses(exc: BaseException) -> list[str]:
    """Clause ids a failure carries in ``clause_ids`` (also inside exception groups)."""
    found: list[str] = []
    pending = [exc]
    while pending:
        current = pending.pop()
        found += [cid for cid in getattr(current, "clause_ids", ()) if cid not in found]
        pending += getattr(current, "exceptions", ())
    return found


class ClauseReport:
    """Collects per-clause outcomes for every store and prints them as one table."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.specs = settings.spec_names
        self.outcomes: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        # (clause, spec) -> the clauses a failing test names as violated (the lifecycle test does)
        self.violated: dict[tuple[str, str], list[str]] = defaultdict(list)

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        from ..sdk import sdk_distribution

        name, version = sdk_distribution()
        first, *rest = self.settings.header()
        return [first, f"tokenstore SDK: {name} {version}; tokenstore-conformance {__version__}", *rest]

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        # Kept in user_properties, which travel with each report, so that the
        # table is right under pytest-xdist, where the controller collects nothing.
        for item in items:
            ids = clause_ids(item)
            callspec = getattr(item, "callspec", None)
            spec = callspec.params.get("store_spec") if callspec else None
            if ids and spec is not None:
                item.user_properties.append((TESTED, (spec.name, tuple(ids))))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        entry = tested(item.user_properties)
        if report.failed and entry is not None:
            spec, ids = entry
            lines = [f"store {spec} violates {describe(cid)}" for cid in ids]
            named = violated_clauses(call.excinfo.value) if call.excinfo else []
            lines += [f"  the failing comparison checks {describe(cid)}" for cid in named]
            if named:
                report.user_properties = [*report.user_properties, (VIOLATED, tuple(named))]
            report.sections.append(("TokenStore contract", "\n".join(lines)))
        return report

    def pytest_assertrepr_compare(self, op: str, left: object, right: object) -> list[str] | None:
        if op != "==" or not (_is_record_list(left) and _is_record_list(right)):
            return None
        return ["lists of token records differ:", *explain_difference(left, right)]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        entry = tested(report.user_properties)
        if entry is None:
            return
        spec, ids = entry
        if report.when == "call" or report.outcome != "passed":
            for cid in ids:
                self.outcomes[(cid, spec)][report.nodeid] = report.outcome
        for name, named in report.user_properties:
            if name == VIOLATED:
                for cid in ids:
                    self.violated[(cid, spec)] += [v for v in named if v not in self.violated[(cid, spec)]]

    def verdict(self, clause_id: str, spec: str) -> str:
        """'failed' if any test of the clause failed, else 'passed' or 'skipped'; '' if none ran."""
        seen = set(self.outcomes.get((clause_id, spec), {}).values())
        for outcome in OUTCOME_ORDER:
            if outcome in seen:
                return outcome
        return ""

    def pytest_terminal_summary(self, terminalreporter) -> None:
        ran = [c for c in self._clauses() if any(self.verdict(c.id, s) for s in self.specs)]
        if not ran:
            return
        tr = terminalreporter
        tr.section("TokenStore contract by clause")
        width = max(len(c.id) for c in ran)
        for index, spec in enumerate(self.specs, 1):
            tr.write_line(f"[{index}] {spec}")
        tr.write_line(
            f"{'clause':<{width}}  level   " + "  ".join(f"[{i}]    " for i in range(1, len(self.specs) + 1))
        )
        for clause in ran:
            cells = [self.verdict(clause.id, s) or "-" for s in self.specs]
            markup = {"red": True} if "failed" in cells and clause.level == "MUST" else {}
            named = [
                f"[{i}] {', '.join(self.violated[(clause.id, s)])}"
                for i, s in enumerate(self.specs, 1)
                if self.violated.get((clause.id, s))
            ]
            tr.write_line(
                f"{clause.id:<{width}}  {clause.level:<6}  "
                + "  ".join(f"{c:<7}" for c in cells)
                + (f"  violates: {'; '.join(named)}" if named else ""),
                **markup,
            )
        for spec in self.specs:
            tally = {
                outcome: [c for c in ran if self.verdict(c.id, spec) == outcome] for outcome in OUTCOME_ORDER
            }
            must = sum(c.level == "MUST" for c in tally["failed"])
            tr.write_line(
                f"{spec}: {len(tally['passed'])} clauses passed, {len(tally['failed'])} failed "
                f"({must} MUST), {len(tally['skipped'])} not applicable",
                bold=True,
                red=bool(must),
                green=not tally["failed"],
            )

    def _clauses(self) -> list[Clause]:
        known = list(CLAUSES.values())
        extra = sorted({cid for cid, _ in self.outcomes} - set(CLAUSES))
        return known + [Clause(cid, "?", "") for cid in extra]
