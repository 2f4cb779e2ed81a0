"""A whole-run time budget: a run that takes too long ends with the verdicts it has, at a time CI chose.

A per-call time limit bounds one hang, not a store that is merely slow on
every call or a state machine that finds a slow path: a CI job killed at its
own limit prints nothing, and the store's author learns nothing. Once the
budget is spent, the kit lets the test in progress finish, stops the run the
way ``-x`` does, and marks every clause whose tests did not all run ``not
judged``: the table and the report still show what was judged, and the
exit status is pytest's 2 (interrupted), so CI fails.

Under pytest-xdist each worker keeps the budget, and the first to spend it
stops the run. The controller collects nothing and never sees the tests that
did not run, so that worker hands it, in ``workeroutput``, every collected
test with its clauses; the controller marks those that sent no report.
"""

from __future__ import annotations

import time

import pytest

from ..flags import BUDGET, flag
from .report import tested
from .verdicts import NOT_JUDGED, Verdicts

WORKER_OUTPUT = "tokenstore_budget"  # a worker's {"spent": bool, "tests": {nodeid: (spec, clause ids)}}


class RunBudget:
    """Stops the run after the first test that ends past the budget."""

    def __init__(self, seconds: float, verdicts: Verdicts) -> None:
        self.seconds = seconds
        self.verdicts = verdicts
        self.started = time.monotonic()
        self.session: pytest.Session | None = None
        self.finished: set[str] = set()  # tests whose every phase reported (the controller's view)
        self.spent_on_worker: dict[str, tuple[str, list[str]]] = {}  # a worker's tests, once it spent it

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.session = session
        output = getattr(session.config, "workeroutput", None)
        if output is not None:
            tests = {item.nodeid: tested(item.user_properties) for item in session.items}
            output[WORKER_OUTPUT] = {"spent": False, "tests": {k: v for k, v in tests.items() if v}}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown":
            self.finished.add(report.nodeid)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        budget = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT) or {}
        if budget.get("spent"):
            self.spent_on_worker = dict(budget.get("tests", {}))

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """On the controller of a run a worker stopped: the tests no worker finished are not judged."""
        for nodeid, (spec, ids) in self.spent_on_worker.items():
            if nodeid not in self.finished:
                for cid in ids:
                    self.verdicts.record(cid, spec, nodeid, NOT_JUDGED)

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
        output = getattr(session.config, "workeroutput", None)
        if output is not None and WORKER_OUTPUT in output:
            output[WORKER_OUTPUT]["spent"] = True
        session.shouldstop = (
            f"the kit's time budget of {self.seconds:g}s was spent after {elapsed:.0f}s, with {len(left)} "
            f"test(s) not run; their clauses are 'not judged' (raise {flag(BUDGET)}, or 0 for none)"
        )
