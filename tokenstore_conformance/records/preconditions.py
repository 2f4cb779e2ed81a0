"""Preconditions: a test step that relies on another clause names that clause, so one bug is one red clause.

A test of DELETE-ONE looks the deleted id up with ``find_token_by_id``; if
that lookup is broken, the fault is BYID-MISS's, not DELETE-ONE's. The step is
written ``requires("BYID-MISS", ...)``: when it does not hold, the test's own
clauses are reported ``blocked by BYID-MISS`` instead of failed, and the
clause table points at the root fault.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class PreconditionFailed(AssertionError):
    """A step the test relies on, which another clause covers, did not hold."""

    def __init__(self, clause_id: str, message: str) -> None:
        self.clause_id = clause_id
        self.message = message
        super().__init__(f"{message} [{clause_id}]")


def requires(clause_id: str, holds: bool, message: str) -> None:
    """Raise ``PreconditionFailed`` naming ``clause_id`` unless ``holds``."""
    if not holds:
        raise PreconditionFailed(clause_id, message)


def relying_on(clause_id: str, step: Callable[[], T]) -> T:
    """Run ``step``; an exception it raises is the fault of ``clause_id``, whose behaviour the step uses."""
    try:
        return step()
    except PreconditionFailed:
        raise
    except Exception as exc:
        raise PreconditionFailed(clause_id, f"{type(exc).__name__}: {exc}") from exc
