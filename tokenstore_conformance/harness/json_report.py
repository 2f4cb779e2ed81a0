"""The JSON report (``--tokenstore-report=PATH``): every store's verdict and every clause's, for CI.

One document per run, written by the process that saw every test report: the
only process of a plain run, the controller under pytest-xdist (workers
write nothing). Its shape is ``report.schema.json`` beside this module, and
docs/report.md describes each field. ``schema`` is a version number that
changes only when a field changes meaning or goes away.
"""

from __future__ import annotations

import json
import os
import platform
from datetime import datetime, timezone
from pathlib import Path

import pytest

from .. import __version__
from ..flags import REPORT, flag
from .clauses import CLAUSES, Clause, prerequisites
from .report import ClauseReport
from .settings import Settings
from .verdicts import BLOCKED, FAILED, NOT_APPLICABLE, NOT_BUILT, NOT_JUDGED, WARNED, Verdicts

SCHEMA_VERSION = 2  # 2: clauses carry relies_on and violated
SCHEMA_FILE = Path(__file__).with_name("report.schema.json")
LEVELS = ("MUST", "SHOULD")

CONFORMANT = "conformant"
WITH_WARNINGS = "conformant-with-warnings"
NONCONFORMANT = "nonconformant"
STORE_NOT_BUILT = "not-built"
INCOMPLETE = "incomplete"  # the run's time budget ended it before every clause was judged
# Clause verdicts as the report spells them: the terminal's words, hyphenated.
CLAUSE_VERDICTS = (
    "passed",
    "failed",
    "blocked",
    "warned",
    "not-applicable",
    "expected-failure",
    "unexpected-pass",
    "not-judged",
)


def word(verdict: str) -> str:
    """A verdict as the report spells it: ``not applicable`` becomes ``not-applicable``."""
    return verdict.replace(" ", "-")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def store_verdict(verdicts: Verdicts, spec: str, clause_ids: list[str]) -> str:
    """The store's overall verdict, from the clauses' own verdicts (a known-failures file changes nothing)."""
    if spec in verdicts.not_built:
        return STORE_NOT_BUILT
    seen = {verdicts.verdict(cid, spec) for cid in clause_ids}
    if seen & {FAILED, BLOCKED}:
        return NONCONFORMANT
    if NOT_JUDGED in seen:
        return INCOMPLETE
    return WITH_WARNINGS if WARNED in seen else CONFORMANT


def clause_entry(verdicts: Verdicts, clause: Clause, spec: str) -> dict[str, object]:
    entry = verdicts.outcomes[(clause.id, spec)]
    return {
        "id": clause.id,
        "level": clause.level,
        "verdict": word(verdicts.shown(clause.id, spec)),
        "relies_on": list(prerequisites(clause.id)),
        "blocked_by": verdicts.blockers(clause.id, spec),
        "violated": list(entry.violated),
        "tests": sorted(entry.tests),
        "first_failure": entry.first_failure or None,
        "not_applicable_because": (entry.not_applicable_because or None)
        if verdicts.verdict(clause.id, spec) == NOT_APPLICABLE
        else None,
    }


def store_entry(
    verdicts: Verdicts, clauses: list[Clause], spec: str, capabilities: dict[str, object] | None
) -> dict[str, object]:
    ran = [c for c in clauses if verdicts.verdict(c.id, spec) not in ("", NOT_BUILT)]
    ran_ids = [c.id for c in ran]
    entries = [clause_entry(verdicts, c, spec) for c in ran]
    levels: dict[str, dict[str, int]] = {}
    for level in LEVELS:
        counted = {"total": sum(c.level == level for c in CLAUSES.values())}
        counted.update({v: 0 for v in CLAUSE_VERDICTS})
        for entry in entries:
            if entry["level"] == level:
                counted[str(entry["verdict"])] += 1
        counted["unchecked"] = sum(c.level == level and c.id not in ran_ids for c in CLAUSES.values())
        levels[level] = counted
    return {
        "spec": spec,
        "capabilities": capabilities,
        "verdict": store_verdict(verdicts, spec, ran_ids),
        "not_built": verdicts.not_built.get(spec),
        "levels": levels,
        "root_faults": [] if spec in verdicts.not_built else verdicts.roots(spec, ran_ids),
        "unchecked": [c.id for c in CLAUSES.values() if c.id not in ran_ids],
        "clauses": entries,
    }


def build_report(
    settings: Settings,
    clause_report: ClauseReport,
    capabilities: dict[str, dict[str, object]],
    started: str,
    exit_status: int,
) -> dict[str, object]:
    from ..sdk import sdk_distribution

    sdk_name, sdk_version = sdk_distribution()
    clauses = clause_report.clauses()
    return {
        "schema": SCHEMA_VERSION,
        "kit": {"name": "tokenstore-conformance", "version": __version__},
        "sdk": {"distribution": sdk_name, "version": sdk_version},
        "python": {"version": platform.python_version(), "implementation": platform.python_implementation()},
        "platform": platform.platform(),
        "started": started,
        "finished": now(),
        "exit_status": exit_status,
        "options": {
            "profile": settings.profile.name,
            "seed": settings.seed,
            "seed_drawn": settings.drawn,
            "strict": settings.strict,
            "timeout": settings.timeout,
            "budget": settings.budget,
            "allow_existing": settings.allow_existing,
            "expect": None if settings.expect is None else str(settings.expect),
        },
        "stores": [
            store_entry(clause_report.verdicts, clauses, spec, capabilities.get(spec))
            for spec in clause_report.specs
        ],
    }


def write_atomically(path: Path, text: str) -> None:
    """Write a file whole or not at all: a reader (a CI step) never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        scratch.write_text(text, encoding="utf-8")
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)


class JsonReport:
    """Writes the JSON report at the end of the session, from the controller only."""

    def __init__(
        self, settings: Settings, clause_report: ClauseReport, capabilities: dict[str, dict[str, object]]
    ) -> None:
        self.settings = settings
        self.clause_report = clause_report
        self.capabilities = capabilities
        self.started = now()
        self.outcome = ""

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.settings.report
        if path is None or hasattr(session.config, "workerinput"):
            return
        status = int(session.exitstatus)
        if status == pytest.ExitCode.OK and self.clause_report.failed_run():
            status = int(pytest.ExitCode.TESTS_FAILED)  # what the clause report makes of the run
        try:
            document = build_report(
                self.settings, self.clause_report, self.capabilities, self.started, status
            )
            write_atomically(path, json.dumps(document, indent=2) + "\n")
        except OSError as exc:
            self.outcome = f"tokenstore: could not write the JSON report ({flag(REPORT)}) to {self.settings.shown(path)}: {exc}"
            session.exitstatus = pytest.ExitCode.USAGE_ERROR
            return
        self.outcome = f"tokenstore: JSON report written to {self.settings.shown(path)}"

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.outcome:
            terminalreporter.write_line(self.outcome, red="could not" in self.outcome)
