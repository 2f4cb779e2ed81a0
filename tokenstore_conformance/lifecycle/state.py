"""What one lifecycle test shares across its examples: where stores come from, and how the run is going."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from ..sdk import TokenStore
from .failures import LifecycleAbort, LifecycleMismatch


class StoreSource(Protocol):
    """Builds the stores of one lifecycle test (the harness's store factory is one)."""

    name: str  # the SPEC, which keys the store's examples in the example database

    def build(self) -> TokenStore:
        """A fresh instance over the current storage; raises ``StoreBuildError``."""

    def new_storage(self) -> None:
        """Make the next instances use new, empty storage, as if a new test began."""

    def persistent(self, store: TokenStore) -> bool:
        """Whether the store shares its storage with other instances by design."""

    def single_user(self, store: TokenStore) -> bool:
        """Whether the store holds one user's tokens at a time by design."""


@dataclass
class Run:
    """What one lifecycle test shares across its examples, including the shortest failure seen so far.

    Hypothesis shrinks a failure for up to five minutes. A fault that depends
    on exact ids or counts is slow to shrink, so once ``shrink_seconds`` of
    this process's CPU time have passed since the first failure, the next
    example stops the run and the shortest failing sequence seen so far is
    reported instead. CPU time, not wall time: on a loaded CI machine the same
    seed then shrinks as far, and a rerun shows the same sequence. A store
    whose calls wait on a server uses little CPU here, so the wall clock caps
    the shrinking too, at ``WALL_FACTOR`` times the budget.
    """

    WALL_FACTOR = 6

    source: StoreSource
    allow_existing: bool
    shrink_seconds: float
    persistent: bool | None = None
    single_user: bool | None = None  # both read from the first store built
    first_failure: tuple[float, float] | None = None  # (CPU time, wall time) at the first failure
    shortest: tuple[list[str], LifecycleMismatch] | None = None
    stop: LifecycleAbort | None = None

    def abort(self, reason: LifecycleAbort) -> LifecycleAbort:
        """Remember why the run stops: Hypothesis may surface the BaseException as another error."""
        self.stop = reason
        return reason

    def failed(self, story: list[str], failure: LifecycleMismatch) -> None:
        if self.first_failure is None:
            self.first_failure = (time.process_time(), time.monotonic())
        if self.shortest is None or len(story) < len(self.shortest[0]):
            self.shortest = (list(story), failure)

    def out_of_time(self) -> bool:
        if self.first_failure is None:
            return False
        cpu, wall = self.first_failure
        return (
            time.process_time() - cpu > self.shrink_seconds
            or time.monotonic() - wall > self.WALL_FACTOR * self.shrink_seconds
        )
