"""Known failures: a file of clauses each store is known to fail, so CI can adopt the kit before the store passes.

The file (``--tokenstore-expect=FILE``) is plain text, one store section per
SPEC, one clause id per line, ``#`` starting a comment::

    [mypkg.stores:MyStore]
    FIND-BY-ID        # failed: find_token({'id': '2'}) returned None
    FIND-PRECEDENCE   # blocked by FIND-BY-ID

A listed clause that fails (or is blocked, or warns) is reported ``expected
failure`` and its tests count as xfailed, so the run passes; a listed clause
that passes fails the run, so the file only ever shrinks.
``--tokenstore-expect-write=FILE`` writes the current failures in this format.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .. import __version__
from ..flags import EXPECT, EXPECT_WRITE, STORES, flag
from .clauses import CLAUSES
from .json_report import write_atomically
from .report import EXPECTED, ClauseReport, tested
from .settings import Settings
from .verdicts import BLOCKED, FAILING, UNEXPECTED_PASS

SECTION = re.compile(r"^\[(?P<spec>[^\]]+)\]$")
COMMENT_LIMIT = 80  # characters of the reason written beside a clause


class ExpectError(Exception):
    """The known-failures file cannot be used; the message is one line meant for the user."""


def read_expect(path: Path, specs: list[str], shown: str | None = None) -> dict[str, frozenset[str]]:
    """Store SPEC -> clause ids listed for it; every SPEC must be one of ``specs``, every id a clause.

    ``shown`` is the path as messages name it (relative to the working directory).
    """
    where = f"{flag(EXPECT)} {shown or path}"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ExpectError(f"{where}: cannot read it ({exc.strerror}); check the path") from None
    listed: dict[str, set[str]] = {}
    spec = None
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        section = SECTION.match(line)
        if section:
            spec = section["spec"].strip()
            if spec not in specs:
                raise ExpectError(
                    f"{where}:{number}: [{spec}] is not a store of this run ({', '.join(specs)}); "
                    f"name it with {flag(STORES)} or remove its section"
                )
            listed.setdefault(spec, set())
        elif spec is None:
            raise ExpectError(f"{where}:{number}: {line!r} comes before any [MODULE:ATTR] store line")
        elif line not in CLAUSES:
            raise ExpectError(
                f"{where}:{number}: unknown clause id {line!r}; list one clause id of docs/contract.md per line"
            )
        else:
            listed[spec].add(line)
    return {name: frozenset(ids) for name, ids in listed.items()}


def render_expect(clause_report: ClauseReport) -> str:
    """The current failures of each store, in the format ``read_expect`` reads, with why in a comment."""
    from ..sdk import sdk_distribution

    verdicts = clause_report.verdicts
    lines = [
        "# Known failures for tokenstore-conformance: under each store [MODULE:ATTR], the clauses it fails.",
        f"# Run with {flag(EXPECT)}=FILE; a listed clause that passes fails the run: remove it then.",
        f"# Written by tokenstore-conformance {__version__} on {' '.join(sdk_distribution())}.",
    ]
    for spec in clause_report.specs:
        failing = [c for c in CLAUSES.values() if verdicts.verdict(c.id, spec) in FAILING]
        if not failing:
            continue
        lines += ["", f"[{spec}]"]
        width = max(len(c.id) for c in failing)
        for clause in failing:
            verdict = verdicts.verdict(clause.id, spec)
            if verdict == BLOCKED:
                why = f"blocked by {', '.join(verdicts.blockers(clause.id, spec)) or 'a precondition'}"
            else:
                entry = verdicts.outcomes[(clause.id, spec)]
                why = f"{verdict}: {entry.first_failure}" if entry.first_failure else verdict
            lines.append(f"{clause.id:<{width}}  # {_short(why)}")
    return "\n".join(lines) + "\n"


def _short(why: str) -> str:
    """One line of at most COMMENT_LIMIT characters: the file is read in review diffs, not as a log."""
    line = " ".join(why.split())
    return line if len(line) <= COMMENT_LIMIT else line[: COMMENT_LIMIT - 3].rstrip() + "..."


class KnownFailures:
    """Turns listed failures into xfails, fails the run on an unexpected pass, writes the failures file."""

    def __init__(self, settings: Settings, clause_report: ClauseReport) -> None:
        self.settings = settings
        self.clause_report = clause_report
        self.verdicts = clause_report.verdicts
        self.written: str = ""

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        # tryfirst makes this wrapper the outermost one: it sees the report after the clause
        # report has named the clause and turned a blocked test into a skip.
        report = yield
        entry = tested(item.user_properties)
        if entry is None or not report.failed or report.when == "teardown":
            return report
        spec, ids = entry
        listed = self.verdicts.expected.get(spec, frozenset())
        if ids and all(cid in listed for cid in ids):
            report.outcome = "skipped"
            report.wasxfail = (
                f"expected failure of {', '.join(ids)}, listed in {self.settings.shown(self.settings.expect)}"
            )
            report.user_properties = [*report.user_properties, (EXPECTED, True)]
        return report

    def unexpected_passes(self) -> list[str]:
        found = []
        for spec in self.clause_report.specs:
            for cid in sorted(self.verdicts.expected.get(spec, ()), key=_contract_order):
                if self.verdicts.shown(cid, spec) == UNEXPECTED_PASS:
                    found.append(
                        f"unexpected-pass: {cid} now passes, remove it from {self.settings.shown(self.settings.expect)}"
                    )
        return found

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.settings.expect_write
        if path is None or hasattr(session.config, "workerinput"):
            return
        if session.exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            return  # an interrupted run has not seen every clause: keep the file as it is
        try:
            write_atomically(path, render_expect(self.clause_report))
        except OSError as exc:
            self.written = (
                f"tokenstore: could not write {flag(EXPECT_WRITE)} {self.settings.shown(path)}: {exc}"
            )
            session.exitstatus = pytest.ExitCode.USAGE_ERROR
            return
        self.written = f"tokenstore: failing clauses written to {self.settings.shown(path)}"

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter) -> None:
        for line in self.unexpected_passes():
            terminalreporter.write_line(line, red=True, bold=True)
        if self.written:
            terminalreporter.write_line(self.written, red="could not" in self.written)


def _contract_order(clause_id: str) -> int:
    ids = list(CLAUSES)
    return ids.index(clause_id) if clause_id in ids else len(ids)
