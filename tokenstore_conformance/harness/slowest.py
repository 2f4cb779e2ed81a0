"""A slow kit run ends by naming its slowest contract tests, so a store's author sees where the time went.

pytest's ``--durations`` does this when asked; a store author whose first
run took ten minutes did not know to ask. A run that took longer than
``SLOW_RUN`` seconds, or that the time budget ended, lists its slowest tests
after the clause table; with ``--durations`` given, pytest's own list is
the one shown.
"""

from __future__ import annotations

import time
from collections import defaultdict

import pytest

from .report import tested

SLOW_RUN = 60.0
SLOWEST_SHOWN = 5


class SlowestTests:
    """Adds up each contract test's time over its phases and lists the slowest at the end of a slow run."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.durations: dict[str, float] = defaultdict(float)
        self.session: pytest.Session | None = None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if tested(report.user_properties) is not None:
            self.durations[report.nodeid] += report.duration

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter) -> None:
        elapsed = time.monotonic() - self.started
        stopped = self.session is not None and bool(self.session.shouldstop)
        if terminalreporter.config.option.durations or not self.durations:
            return
        if elapsed < SLOW_RUN and not stopped:
            return
        slowest = sorted(self.durations.items(), key=lambda item: -item[1])[:SLOWEST_SHOWN]
        terminalreporter.write_line(
            f"the run took {elapsed:.0f}s; its slowest contract tests (--durations=N lists more):"
        )
        for nodeid, seconds in slowest:
            terminalreporter.write_line(f"  {seconds:7.2f}s  {nodeid}")
