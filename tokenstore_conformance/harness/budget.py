"""A whole-run time budget: a run that takes too long ends with the verdicts it has, at a time CI chose.

A per-call time limit bounds one hang, not a store that is merely slow on
every call or a state machine that finds a slow path: a CI job killed at its
own limit prints nothing, and the store's author learns nothing. Once the
budget is spent, the kit lets the test in progress finish, stops the run the
way ``-x`` does, and marks every clause whose tests did not all run ``not
judged``: the table and the report still show what was judged, and the
exit status is pytest's 2 (interrupted), so CI fails.
"""

from __future__ import annotations

import time

import pytest

from .options import BUDGET, flag
from .report import tested
from .verdicts import NOT_JUDGED, Verdicts


class RunBudget:
    """Stops the run after the first test that ends past the budget."""

    def __init__(self, seconds: float, verdicts: Verdicts) -> None:
        self.seconds = seconds
        self.verdicts = verdicts
        self.started = time.monotonic()
        self.session: pytest.Session | None = None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.session = session

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        session = self.session
        elapsed = time.monotonic() - self.started
        if session is None or self.seconds <= 0 or elapsed < self.seconds or session.shouldstop:
            return
        done = next((i for i, item in enumerate(session.items) if item.nodeid == nodeid), None)
        left = [] if done is None else session.items[done + 1 :]
        for item in left:
            entry = tested(item.user_properties)
            for cid in entry[1] if entry else ():
                self.verdicts.record(cid, entry[0], item.nodeid, NOT_JUDGED)
        session.shouldstop = (
            f"the kit's time budget of {self.seconds:g}s was spent after {elapsed:.0f}s, with {len(left)} "
            f"test(s) not run; their clauses are 'not judged' (raise {flag(BUDGET)}, or 0 for none)"
        )
