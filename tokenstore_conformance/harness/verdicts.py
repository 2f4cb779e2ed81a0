"""From test outcomes to one verdict per clause and store, and the order in which to fix the root faults.

A clause is ``failed`` only when one of its own assertions failed; a test that
stopped at another clause's precondition makes its clause ``blocked`` by that
clause. SHOULD clauses that fail are ``warned`` unless the run is strict.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .clauses import fix_rank

FAILED, BLOCKED, WARNED, PASSED, NOT_APPLICABLE, NOT_BUILT = (
    "failed",
    "blocked",
    "warned",
    "passed",
    "not applicable",
    "not built",
)
# A clause some of whose tests the run's time budget left unrun, and none of whose tests failed.
NOT_JUDGED = "not judged"
# With a known-failures file (--tokenstore-expect): a listed clause that failed, or that passed.
EXPECTED_FAILURE, UNEXPECTED_PASS = "expected failure", "unexpected pass"
FAILING = (FAILED, BLOCKED, WARNED)  # what a listed clause may do without failing the run
# The first of these that any test of a clause had decides the clause's verdict.
PRECEDENCE = (FAILED, BLOCKED, WARNED, NOT_JUDGED, PASSED, NOT_APPLICABLE)


@dataclass
class ClauseOutcomes:
    """What the tests of one clause on one store did."""

    tests: dict[str, str] = field(default_factory=dict)  # node id -> verdict of that test
    blocked_by: list[str] = field(default_factory=list)
    violated: list[str] = field(default_factory=list)  # clauses a failing comparison named (lifecycle)
    first_failure: str = ""  # of the failing test first in node id order, so xdist's order changes nothing
    first_failing_test: str = ""
    not_applicable_because: str = ""  # the skip reason of its first test that did not apply

    def verdict(self) -> str:
        seen = set(self.tests.values())
        return next((v for v in PRECEDENCE if v in seen), "")


class Verdicts:
    """Per (clause, store) outcomes, filled from test reports as they arrive (also from xdist workers)."""

    def __init__(self) -> None:
        self.outcomes: dict[tuple[str, str], ClauseOutcomes] = defaultdict(ClauseOutcomes)
        self.not_built: dict[str, str] = {}  # store -> why it could not be built
        self.expected: dict[str, frozenset[str]] = {}  # store -> clause ids listed as known failures
        # SHOULD clauses of a run that is not strict: a failure of theirs is a warning, however it came.
        self.warn_only: frozenset[str] = frozenset()

    def shown(self, clause_id: str, spec: str) -> str:
        """The verdict the run reports: ``verdict()``, with the known-failures file applied."""
        verdict = self.verdict(clause_id, spec)
        if clause_id not in self.expected.get(spec, ()):
            return verdict
        if verdict in FAILING:
            return EXPECTED_FAILURE
        return UNEXPECTED_PASS if verdict == PASSED else verdict

    def record(self, clause_id: str, spec: str, nodeid: str, verdict: str, *, message: str = "") -> None:
        entry = self.outcomes[(clause_id, spec)]
        if entry.tests.get(nodeid) in (FAILED, BLOCKED) and verdict in (PASSED, NOT_APPLICABLE):
            return  # a later phase (teardown) passing does not undo the call's failure
        entry.tests[nodeid] = verdict
        if verdict == NOT_APPLICABLE and message and not entry.not_applicable_because:
            entry.not_applicable_because = message
        if verdict in (FAILED, WARNED) and message:
            if not entry.first_failing_test or nodeid < entry.first_failing_test:
                entry.first_failure, entry.first_failing_test = message, nodeid

    def block(self, clause_id: str, spec: str, blocker: str) -> None:
        entry = self.outcomes[(clause_id, spec)]
        if blocker not in entry.blocked_by:
            entry.blocked_by.append(blocker)

    def verdict(self, clause_id: str, spec: str) -> str:
        if spec in self.not_built:
            return NOT_BUILT
        entry = self.outcomes.get((clause_id, spec))
        if entry is None:
            return ""
        verdict = entry.verdict()
        if verdict == FAILED and entry.violated and self._all_fail(entry.violated, spec, clause_id):
            # A failure that names the clauses its comparison checks (the lifecycle test's) adds
            # nothing when each of them already fails on its own: it is blocked by them.
            return BLOCKED
        if verdict == BLOCKED and not self._reaches_a_fault(clause_id, spec):
            # Every clause the test was blocked by, and every clause those were blocked by, passed its
            # own tests: the precondition failed only here, so nothing else points at the fault. Call
            # it a failure of this clause. (A blocker that did not run, under -k, keeps it blocked.)
            return WARNED if clause_id in self.warn_only else FAILED
        return verdict

    def _raw(self, clause_id: str, spec: str) -> str:
        entry = self.outcomes.get((clause_id, spec))
        return entry.verdict() if entry is not None else ""

    def _reaches_a_fault(self, clause_id: str, spec: str) -> bool:
        """Whether following ``blocked by`` from the clause reaches a clause that did not pass.

        Walked on the tests' own outcomes, so two clauses blocked only by each other (a fault that
        shows only between them) both fail instead of pointing at each other for ever.
        """
        seen, pending = {clause_id}, list(self.outcomes[(clause_id, spec)].blocked_by)
        while pending:
            blocker = pending.pop()
            if blocker in seen:
                continue
            seen.add(blocker)
            raw = self._raw(blocker, spec)
            if raw == BLOCKED:
                pending += self.outcomes[(blocker, spec)].blocked_by
            elif raw != PASSED:
                return True
        return False

    def _all_fail(self, clause_ids: list[str], spec: str, asking: str) -> bool:
        others = [cid for cid in clause_ids if cid != asking]
        return bool(others) and all(self.verdict(cid, spec) in (FAILED, BLOCKED) for cid in others)

    def blockers(self, clause_id: str, spec: str) -> list[str]:
        """The clauses a blocked clause waits for: those it was blocked by that did not pass."""
        entry = self.outcomes.get((clause_id, spec))
        if entry is None or self.verdict(clause_id, spec) != BLOCKED:
            return []
        if entry.verdict() == FAILED:
            return [cid for cid in entry.violated if cid != clause_id]
        return [cid for cid in entry.blocked_by if self._raw(cid, spec) != PASSED]

    def roots(self, spec: str, clause_ids: list[str]) -> list[str]:
        """The failed clauses, in the order to fix them: the dependency graph's order, then most blocked."""
        failed = [cid for cid in clause_ids if self.verdict(cid, spec) == FAILED]
        blocks: dict[str, int] = defaultdict(int)
        for cid in clause_ids:
            for blocker in self._root_blockers(cid, spec, set()):
                blocks[blocker] += 1
        return sorted(failed, key=lambda cid: (fix_rank(cid), -blocks[cid], clause_ids.index(cid)))

    def _root_blockers(self, clause_id: str, spec: str, seen: set[str]) -> list[str]:
        found = []
        for blocker in self.blockers(clause_id, spec):
            if blocker in seen:
                continue
            seen.add(blocker)
            if self.verdict(blocker, spec) == FAILED:
                found.append(blocker)
            found += self._root_blockers(blocker, spec, seen)
        return found
