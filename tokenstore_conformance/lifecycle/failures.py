"""How the lifecycle test fails: mismatches tagged with clauses, aborts, and records printed briefly."""

from __future__ import annotations

from collections.abc import Iterable


class LifecycleMismatch(AssertionError):
    """The store and the model differ; ``clause_ids`` are the clauses the failing comparison checks."""

    def __init__(self, clause_ids: Iterable[str], message: str) -> None:
        self.clause_ids = tuple(dict.fromkeys(clause_ids))
        super().__init__(f"{message}\n[violates {', '.join(self.clause_ids)}]")


class LifecycleAbort(BaseException):
    """Ends the run at once: a store call hung, storage could not be reset, or shrinking ran out of time.

    Hypothesis catches Exception to shrink; a hung call would make every
    shrink attempt wait for the time limit, so this is a BaseException that
    Hypothesis lets through, like KeyboardInterrupt. ``steps_taken`` says
    whether a sequence had begun, so that a rerun command is offered only
    when there is a sequence to rerun. ``owner`` names the clause whose fault
    the stop is, when it is another clause's (a restart that cannot build a new
    instance is INSTANCE-REOPEN's).
    """

    def __init__(self, message: str = "", steps_taken: bool = False, owner: str | None = None) -> None:
        super().__init__(message)
        self.steps_taken = steps_taken
        self.owner = owner


class ShrinkingOutOfTime(LifecycleAbort):
    """The profile's time for shrinking is spent; the shortest failure seen so far is reported."""


class LifecycleStopped(Exception):
    """The run stopped without a comparison failing (a hung call, storage that could not be reset); the message says why."""

    def __init__(self, message: str, owner: str | None = None) -> None:
        super().__init__(message)
        self.owner = owner


def add_note(exc: BaseException, text: str) -> None:
    if hasattr(exc, "add_note"):
        exc.add_note(text)
    else:  # Python < 3.11: pytest shows __notes__ all the same
        exc.__notes__ = [*getattr(exc, "__notes__", []), text]
