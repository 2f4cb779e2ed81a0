"""Clause-by-clause reporting: the header, SHOULD warnings, blocked tests, a note on each failure, the table."""

from __future__ import annotations

import warnings

import pytest

from .. import __version__
from ..flags import STORES, flag
from ..records import TokenRecord, explain_difference, record_of
from ..records.preconditions import PreconditionFailed, first_in_chain
from ..sdk import OAuthToken
from ..target import network
from ..target.redaction import redact_report
from ..target.timeouts import hang_of
from .clauses import CLAUSES, Clause
from .junit import junit_properties
from .settings import Settings
from .verdicts import BLOCKED, FAILED, NOT_APPLICABLE, PASSED, UNEXPECTED_PASS, WARNED, Verdicts

TESTED = "tokenstore_clauses"
VIOLATED = "tokenstore_violated"
BLOCKED_BY = "tokenstore_blocked_by"
WARNED_BY = "tokenstore_warned"
FIRST_LINE = "tokenstore_message"
REFUSED = "tokenstore_refused"  # a connection off the machine was refused during this phase
EXPECTED = "tokenstore_expected"  # the failure was listed in the known-failures file (harness/expect.py)


class ShouldClauseWarning(UserWarning):
    """A SHOULD clause failed: reported, but a store can work without it (``--tokenstore-strict`` fails it)."""


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


def _property(user_properties: list[tuple[str, object]], wanted: str) -> object:
    return next((value for name, value in user_properties if name == wanted), None)


def _is_record_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, TokenRecord) for item in value)


def _skip_reason(report: pytest.TestReport) -> str:
    """Why a test did not apply, as ``pytest.skip`` said it (``Skipped: `` taken off)."""
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr or "")
    return reason.removeprefix("Skipped: ")


def _brief_token(value: object) -> str:
    record = record_of(value)
    shown = ", ".join(f"{k}={v!r}" for k, v in vars(record).items() if v is not None)
    return f"OAuthToken({shown})"


def violated_clauses(exc: BaseException) -> list[str]:
    """Clause ids a failure carries in ``clause_ids`` (also inside exception groups)."""
    found: list[str] = []
    pending = [exc]
    while pending:
        current = pending.pop()
        found += [cid for cid in getattr(current, "clause_ids", ()) if cid not in found]
        pending += getattr(current, "exceptions", ())
    return found


def precondition_in(exc: BaseException) -> PreconditionFailed | None:
    """The precondition that stopped a test, also when the SDK wrapped it or Hypothesis grouped it."""
    return first_in_chain(exc, lambda current: current if isinstance(current, PreconditionFailed) else None)


def declarations_line(spec: str, declared: dict[str, object]) -> str:
    """What one store declares, for the header: ``persistent: no, concurrency: 'threads', single user: yes``."""
    shown = [
        f"persistent: {'yes' if declared.get('persistent') else 'no'}",
        f"concurrency: {declared.get('concurrency')!r}",
        f"single user: {'yes' if declared.get('single_user') else 'no'}",
    ]
    return f"tokenstore {spec} declares {', '.join(shown)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _note_refusals(report: pytest.TestReport, exc: BaseException | None) -> str | None:
    """NET-LOOPBACK's failure in this phase: connections the guard refused here (even ones the store
    swallowed), or a worker process's refusal; returns that clause's id if there was one."""
    refusals = network.take_refusals()
    if refusals:
        more = f" ({len(refusals)} attempts, the first shown)" if len(refusals) > 1 else ""
        message = refusals[0].message() + more
    elif exc is not None and network.CLAUSE in getattr(precondition_in(exc), "owners", ()):
        message = precondition_in(exc).message
    else:
        return None
    report.user_properties = [*report.user_properties, (REFUSED, message)]
    return network.CLAUSE


def _block(item: pytest.Item, report: pytest.TestReport, owners: tuple[str, ...], exc: BaseException) -> None:
    report.outcome = "skipped"
    where = item.reportinfo()
    precondition = precondition_in(exc)
    named = " or ".join(owners)
    hang = hang_of(exc)
    if precondition is not None and tuple(precondition.owners) == tuple(owners):
        reason = str(precondition)
    elif hang is not None and hang.owners == tuple(owners):
        reason = f"{hang.message} [{named}]"
    else:  # the store swallowed the refusal, then the test failed
        reason = f"{_property(report.user_properties, REFUSED)} [{named}]; then {_first_line(exc)}"
    report.longrepr = (str(where[0]), (where[1] or 0) + 1, f"blocked by {named}: {reason}")
    report.user_properties = [*report.user_properties, (BLOCKED_BY, owners)]


def _explain_failure(
    item: pytest.Item, report: pytest.TestReport, spec: str, ids: list[str], exc: BaseException
) -> None:
    call_line = getattr(exc, "tokenstore_call", None)
    lines = [call_line] if call_line else []
    lines += [f"store {spec} violates {describe(cid)}" for cid in ids]
    named = violated_clauses(exc)
    lines += [f"  the failing comparison checks {describe(cid)}" for cid in named]
    lines.append(f"rerun: pytest {flag(STORES)}={spec} -k {item.originalname or item.name}")
    extra = [(FIRST_LINE, call_line or _first_line(exc))]
    if named:
        extra.append((VIOLATED, tuple(named)))
    report.user_properties = [*report.user_properties, *extra]
    report.sections.append(("TokenStore contract", "\n".join(lines)))


class ClauseReport:
    """Collects per-clause verdicts for every store and prints them as one table."""

    def __init__(
        self,
        settings: Settings,
        not_built: dict[str, str],
        declared: dict[str, dict[str, object]] | None = None,
    ) -> None:
        self.settings = settings
        self.specs = [*settings.spec_names, *not_built]
        self.declared = declared or {}
        self.verdicts = Verdicts()
        if not settings.strict:
            self.verdicts.warn_only = frozenset(c.id for c in CLAUSES.values() if c.level == "SHOULD")
        self.verdicts.not_built.update(not_built)

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        from ..sdk import sdk_distribution

        name, version = sdk_distribution()
        first, *rest = self.settings.header()
        declared = [
            declarations_line(spec, self.declared[spec]) for spec in self.specs if spec in self.declared
        ]
        return [
            first,
            f"tokenstore SDK: {name} {version}; tokenstore-conformance {__version__}",
            *declared,
            *rest,
        ]

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if not self.settings.specs:
            # No store could be built: nothing to run, but the table and the report still say why.
            config.hook.pytest_deselected(items=list(items))
            items.clear()
            return
        # Kept in user_properties, which travel with each report, so that the
        # table is right under pytest-xdist, where the controller collects nothing.
        for item in items:
            ids = clause_ids(item)
            callspec = getattr(item, "callspec", None)
            spec = callspec.params.get("store_spec") if callspec else None
            if ids and spec is not None:
                item.user_properties.append((TESTED, (spec.name, tuple(ids))))
                item.user_properties += junit_properties(spec.name, ids)
                # `-k SAVE-ID-ECHO` selects a clause's tests.
                item.extra_keyword_matches.update(ids)

    def _should_only(self, item: pytest.Item) -> bool:
        entry = tested(item.user_properties)
        return bool(entry) and all(CLAUSES.get(cid) and CLAUSES[cid].level == "SHOULD" for cid in entry[1])

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        try:
            return (yield)
        except Exception as exc:
            # A SHOULD clause that fails, by an assertion or by what the store raised, is a warning
            # unless the run is strict; a precondition another clause owns is that clause's.
            if precondition_in(exc) or self.settings.strict or not self._should_only(item):
                raise
            _, ids = tested(item.user_properties)
            message = f"{', '.join(describe(cid) for cid in ids)}: {_first_line(exc)}"
            path, line, _ = item.reportinfo()
            where = (ShouldClauseWarning, str(path), (line or 0) + 1)
            try:
                warnings.warn_explicit(ShouldClauseWarning(message), *where)
            except ShouldClauseWarning:
                # -W error or filterwarnings = error: whether a SHOULD clause fails the run is
                # --tokenstore-strict's to say, so the warning is shown; an "ignore" filter still hides it.
                with warnings.catch_warnings():
                    warnings.simplefilter("always", ShouldClauseWarning)
                    warnings.warn_explicit(ShouldClauseWarning(message), *where)
            item.user_properties.append((WARNED_BY, message))
            return None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        entry = tested(item.user_properties)
        if entry is not None:
            self._judge(item, call, report, *entry)
            redact_report(report)  # last: what the store raised may quote a URL with its password
        return report

    def _judge(
        self, item: pytest.Item, call: pytest.CallInfo, report: pytest.TestReport, spec: str, ids: list[str]
    ) -> None:
        exc = call.excinfo.value if call.excinfo is not None else None
        refused = _note_refusals(report, exc)
        if exc is None or not report.failed:
            return
        precondition = precondition_in(exc)
        hang = hang_of(exc)
        if refused:
            owners: tuple[str, ...] = (refused,)
        elif precondition or hang:
            owners = precondition.owners if precondition else hang.owners
        else:
            owners = ()
        if owners and not set(owners) & set(ids):
            # Another clause's fault stopped the test: not this clause's failure.
            _block(item, report, owners, exc)
        else:
            _explain_failure(item, report, spec, ids, exc)

    def pytest_assertrepr_compare(self, op: str, left: object, right: object) -> list[str] | None:
        if op == "==" and _is_record_list(left) and _is_record_list(right):
            return ["lists of token records differ:", *explain_difference(left, right)]
        if isinstance(left, OAuthToken) or isinstance(right, OAuthToken):
            shown = [_brief_token(v) if isinstance(v, OAuthToken) else repr(v) for v in (left, right)]
            return [f"{shown[0]} {op} {shown[1]}"]
        return None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        entry = tested(report.user_properties)
        if entry is None:
            return
        spec, ids = entry
        refused = _property(report.user_properties, REFUSED)
        if refused is not None:  # from a test of any clause: NET-LOOPBACK fails wherever it was seen
            self.verdicts.record(network.CLAUSE, spec, report.nodeid, FAILED, message=str(refused))
        blocker = _property(report.user_properties, BLOCKED_BY)
        warned = _property(report.user_properties, WARNED_BY)
        message = _property(report.user_properties, FIRST_LINE) or warned or ""
        if blocker is not None:
            verdict = BLOCKED
        elif report.failed or _property(report.user_properties, EXPECTED) is not None:
            verdict = FAILED
        elif report.skipped:
            verdict = NOT_APPLICABLE
            message = _skip_reason(report)
        elif report.when != "call":
            return
        else:
            verdict = WARNED if warned else PASSED
        for cid in ids:
            self.verdicts.record(cid, spec, report.nodeid, verdict, message=str(message))
            for owner in blocker or ():
                self.verdicts.block(cid, spec, str(owner))
            for named in _property(report.user_properties, VIOLATED) or ():
                if named not in self.verdicts.outcomes[(cid, spec)].violated:
                    self.verdicts.outcomes[(cid, spec)].violated.append(named)

    def clauses(self) -> list[Clause]:
        known = list(CLAUSES.values())
        extra = sorted({cid for cid, _ in self.verdicts.outcomes} - set(CLAUSES))
        return known + [Clause(cid, "?", "") for cid in extra]

    def failed_run(self) -> bool:
        """Whether the verdicts fail the run where pytest's outcomes alone would not."""
        ids = [c.id for c in self.clauses()]
        return bool(self.verdicts.not_built) or any(
            self.verdicts.shown(cid, spec) in (FAILED, BLOCKED, UNEXPECTED_PASS)
            for cid in ids
            for spec in self.specs
        )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if (
            exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
            and self.failed_run()
            and not hasattr(session.config, "workerinput")
        ):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        from .paths import node_in_root
        from .table import write_table

        root, cwd = terminalreporter.config.rootpath, self.settings.cwd
        write_table(
            terminalreporter,
            self.verdicts,
            self.clauses(),
            self.specs,
            terse=self.settings.terse,
            show_test=lambda nodeid: node_in_root(nodeid, root, cwd),
        )
