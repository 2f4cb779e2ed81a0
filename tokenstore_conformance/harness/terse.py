"""Failed tests counted by kind of fault, and printed as one line per kind under terse output.

``88 failures: SDKException from get_tokens: Caused By: ... (first: test_get.py::test_x[...])``
says what hundreds of tracebacks would: which fault, how often, and one test
to rerun for it. The kind of each failure is worked out where the exception
is still at hand (``pytest_runtest_makereport``) and travels in the report's
``user_properties``, so the count is right under pytest-xdist too, where the
controller sees reports and no exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ..target.redaction import redact
from .failure_groups import FailureKind, kind_of
from .paths import shown_path, shown_test
from .report import tested
from .settings import Settings

# (key, label, exact label, where the store raised it, the test's file) of a failed phase
KIND = "tokenstore_failure_kind"


@dataclass
class Group:
    """The failures of one kind: how many, and the first in node id order, so xdist's order changes nothing."""

    label: str
    exact: str  # the first failure's own message: shown while every failure of the kind says the same
    origin: str  # FILE:LINE where the first of them was raised in the store, or ""
    tests: set[str]  # node ids: a test whose call and teardown both fail counts once
    first: str
    first_path: str
    varies: bool = False  # the failures' messages differ in their volatile parts

    @property
    def count(self) -> int:
        return len(self.tests)


def _noted(report: pytest.TestReport) -> tuple[str, ...] | None:
    for name, value in report.user_properties:
        if name == KIND and isinstance(value, (tuple, list)) and len(value) == 5:
            return tuple(str(part) for part in value)
    return None


def _label(group: Group, cwd: Path) -> str:
    """The group's label, with where the store raised it: ``SDKException from get_tokens at store.py:9: ...``."""
    label = group.label if group.varies else group.exact
    if not group.origin:
        return label
    file, _, line = group.origin.rpartition(":")
    what, sep, message = label.partition(": ")
    return f"{what} at {shown_path(file, cwd)}:{line}{sep}{message}"


class FailureGroups:
    """Notes each failure's kind; under terse output prints one line per kind after the clause table."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.groups: dict[str, Group] = {}

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        # Outermost: the report is final here (a blocked test is skipped, a known failure xfailed).
        report = yield
        if report.failed:
            entry = tested(item.user_properties)
            if call.excinfo is not None:
                kind = kind_of(call.excinfo.value, entry[1] if entry else ())
            else:
                kind = FailureKind("no exception", "failed without an exception")
            noted = (redact(kind.key), redact(kind.label), redact(kind.exact), kind.origin, str(item.path))
            report.user_properties = [*report.user_properties, (KIND, noted)]
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        noted = _noted(report) if report.failed else None
        if noted is None:
            return
        key, label, exact, origin, path = noted
        group = self.groups.get(key)
        if group is None:
            self.groups[key] = Group(label, exact, origin, {report.nodeid}, report.nodeid, path)
            return
        group.tests.add(report.nodeid)
        group.varies = group.varies or exact != group.exact
        if report.nodeid < group.first:
            group.first, group.first_path = report.nodeid, path

    def lines(self, cwd: Path) -> list[str]:
        """One line per kind of failure, the most frequent first."""
        ordered = sorted(self.groups.values(), key=lambda g: (-g.count, g.first))
        return [
            f"{g.count} failure{'s' * (g.count != 1)}: {_label(g, cwd)} (first: {shown_test(g.first, g.first_path, cwd)})"
            for g in ordered
        ]

    @pytest.hookimpl(trylast=True)  # registered after the clause table's plugin: printed after the table
    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.settings.terse or not self.groups:
            return
        terminalreporter.section("TokenStore failures by kind")
        for line in self.lines(self.settings.cwd):
            terminalreporter.write_line(line)
