"""Timing each operation on a store that holds N tokens.

Every call is timed on its own with ``time.perf_counter_ns``, so the figures
are per call and p99 shows the slow calls (a checkpoint, a garbage
collection) that an average would hide. Calls of different operations are
interleaved in rounds, so a burst of load on the machine lands on all of them
rather than on one. The store's answers are checked outside the timed region:
a store that returns nothing quickly is not fast. A size can be given a time
budget, checked between calls (never inside a timing): a store that needs
hours to fill stops with ``OutOfBudget`` instead.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import monotonic, perf_counter_ns

from ..records import record_of
from ..sdk import TokenStore
from .loading import StoreFailed
from .progress import Progress
from .workload import Workload, by_access_token, by_user_name, user_name

OPS = {
    "fill": "fill (insert 0..N)",
    "save_insert": "save (insert)",
    "save_update": "save (update)",
    "find_user": "find by user name",
    "find_access": "find by access token",
    "find_id": "find by id",
    "get_tokens": "get_tokens (whole store)",
    "delete_token": "delete_token",
}
WARM_UP = 20  # untimed calls of each operation before the first timed round
GET_TOKENS_BUDGET = 50_000  # records read by get_tokens per round: it is O(N) by nature


@dataclass(frozen=True)
class OpResult:
    """The timings of one operation at one size, in nanoseconds per call."""

    op: str
    calls: int
    p50_ns: int
    p99_ns: int
    total_ns: int


class OutOfBudget(Exception):
    """The size's time budget ran out; the SizeRun's ``filled``, ``rounds`` and ``elapsed`` say how far."""


def percentile(sorted_ns: Sequence[int], fraction: float) -> int:
    """Nearest-rank percentile: the smallest timing at least ``fraction`` of the calls did not exceed."""
    return sorted_ns[max(0, math.ceil(fraction * len(sorted_ns)) - 1)]


def summarise(op: str, timings: list[int]) -> OpResult:
    ordered = sorted(timings)
    return OpResult(op, len(ordered), percentile(ordered, 0.5), percentile(ordered, 0.99), sum(ordered))


class SizeRun:
    """Fills one fresh store to ``size`` tokens, then times rounds of every operation.

    ``budget`` is the seconds the fill and the rounds may take together (None:
    no limit). How far the run got stays readable after it stopped, for
    whatever stopped it: the budget, or Ctrl-C.
    """

    def __init__(
        self, label: str, store: TokenStore, size: int, progress: Progress, budget: float | None = None
    ) -> None:
        self.label, self.store, self.size, self.progress = label, store, size, progress
        self.budget, self.deadline, self.started = budget, None, monotonic()
        self.workload = Workload(seed=size)
        self.timings: dict[str, list[int]] = {op: [] for op in OPS}
        self.rounds = 0

    @property
    def filled(self) -> int:
        """Tokens saved by the fill so far."""
        return len(self.timings["fill"])

    @property
    def elapsed(self) -> float:
        return monotonic() - self.started

    def run(self, repeat: int, batch: int) -> dict[str, OpResult]:
        self.progress.start(f"{self.label} N={self.size:,}", self.size, repeat)
        self.started = monotonic()
        self.deadline = None if self.budget is None else self.started + self.budget
        gc.collect()
        gc.freeze()  # the kit's and the SDK's own objects: later collections need not walk them
        try:
            self._insert(self.size, self.timings["fill"], advance=True)
            self._check_count(self.size)
            self._round(min(batch, WARM_UP), keep=False)
            for _ in range(repeat):
                self._round(batch, keep=True)
                self.rounds += 1
                self.progress.advance(1)
            self._check_count(self.size)
        finally:
            gc.unfreeze()
        self.progress.finish()
        return {op: summarise(op, timings) for op, timings in self.timings.items()}

    def _check_budget(self) -> None:
        if self.deadline is not None and monotonic() > self.deadline:
            raise OutOfBudget

    def _round(self, batch: int, keep: bool) -> None:
        sink: dict[str, list[int]] = self.timings if keep else {op: [] for op in OPS}
        gc.collect()  # every round starts from the same state; collections during it are counted
        users = self.workload.pick(batch)
        self._time(sink["save_update"], self.store.save_token, [self.workload.refresh(u) for u in users])
        users = self.workload.pick(batch)
        found = self._time(sink["find_user"], self.store.find_token, [by_user_name(u) for u in users])
        self._expect(
            "find_token by user name", [t and _name(t) for t in found], [user_name(u) for u in users]
        )
        users = self.workload.pick(batch)
        found = self._time(
            sink["find_access"],
            self.store.find_token,
            [by_access_token(self.workload.access[u]) for u in users],
        )
        self._expect(
            "find_token by access token", [t and _name(t) for t in found], [user_name(u) for u in users]
        )
        users = self.workload.pick(batch)
        found = self._time(
            sink["find_id"], self.store.find_token_by_id, [self.workload.ids[u] for u in users]
        )
        self._expect("find_token_by_id", [t and _name(t) for t in found], [user_name(u) for u in users])
        calls = max(2, min(batch, GET_TOKENS_BUDGET // self.size))
        listed = self._time(sink["get_tokens"], lambda _: self.store.get_tokens(), [None] * calls)
        self._expect("get_tokens", [len(t or []) for t in listed], [self.size] * calls)
        # Inserted users are deleted again, so every round finds the store holding N tokens.
        fresh = self._insert(batch, sink["save_insert"])
        self._time(sink["delete_token"], self.store.delete_token, [self.workload.ids[u] for u in fresh])
        self.workload.forget(fresh)

    def _insert(self, count: int, sink: list[int], advance: bool = False) -> list[int]:
        logins = self.workload.new_logins(count)
        tick = self.progress.advance if advance else None
        self._time(sink, self.store.save_token, [token for _, token in logins], tick=tick)
        for user, token in logins:
            if token.get_id() is None:
                raise StoreFailed(f"store {self.label}: save_token left a new token without an id")
            self.workload.saved(user, token)
        return [user for user, _ in logins]

    def _time(
        self,
        sink: list[int],
        call: Callable[[object], object],
        arguments: list[object],
        tick: Callable[[int], None] | None = None,
    ) -> list[object]:
        results = []
        step, ticked = max(1, len(arguments) // 100), 0
        for n, argument in enumerate(arguments, 1):
            self._check_budget()
            start = perf_counter_ns()
            try:
                result = call(argument)
            except Exception as exc:
                name = getattr(call, "__name__", "a call")
                raise StoreFailed(f"store {self.label}: {name} raised {type(exc).__name__}: {exc}") from None
            sink.append(perf_counter_ns() - start)
            results.append(result)
            if tick is not None and (n % step == 0 or n == len(arguments)):
                tick(n - ticked)
                ticked = n
        return results

    def _expect(self, what: str, got: list[object], wanted: list[object]) -> None:
        for answer, expected in zip(got, wanted, strict=False):
            if answer != expected:
                raise StoreFailed(
                    f"store {self.label} at N={self.size}: {what} answered {answer!r}, expected {expected!r}; "
                    "run the conformance kit on it before measuring it"
                )

    def _check_count(self, expected: int) -> None:
        held = len(self.store.get_tokens() or [])
        if held != expected:
            raise StoreFailed(f"store {self.label}: holds {held} tokens after saving {expected} users")


def _name(token: object) -> str | None:
    return record_of(token).user_name
