"""How the lifecycle test fails: mismatches tagged with clauses, aborts, and records printed briefly."""

from __future__ import annotations

from collections.abc import Iterable

from ..records import FIELD_NAMES, TokenRecord


class LifecycleMismatch(AssertionError):
    """The store and the model differ; ``clause_ids`` are the clauses the failing comparison checks."""

    def __init__(self, clause_ids: Iterable[str], message: str) -> None:
        self.clause_ids = tuple(dict.fromkeys(clause_ids))
        super().__init__(f"{message}\n[violates {', '.join(self.clause_ids)}]")


class LifecycleAbort(BaseException):
    """Ends the run at once: a store call hung, storage could not be reset, or shrinking ran out of time.

    Hypothesis catches Exception to shrink; a hung call would make every
    shrink attempt wait for the time limit, so this is a BaseException that
    Hypothesis lets through, like KeyboardInterrupt.
    """


class ShrinkingOutOfTime(LifecycleAbort):
    """The profile's time for shrinking is spent; the shortest failure seen so far is reported."""


class LifecycleStopped(Exception):
    """The run stopped without a comparison failing (a hung call, storage that could not be reset); the message says why."""


def brief(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 48 else f"{text[:40]}...' ({len(str(value))} chars)"


def describe(record: TokenRecord | None) -> str:
    if record is None:
        return "None"
    fields = ", ".join(
        f"{name}={brief(getattr(record, name))}" for name in FIELD_NAMES if getattr(record, name)
    )
    return f"{{{fields}}}"


def add_note(exc: BaseException, text: str) -> None:
    if hasattr(exc, "add_note"):
        exc.add_note(text)
    else:  # Python < 3.11: pytest shows __notes__ all the same
        exc.__notes__ = [*getattr(exc, "__notes__", []), text]
