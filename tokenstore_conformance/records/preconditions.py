"""Preconditions: a test step that relies on another clause names that clause, so one bug is one red clause.

A test of DELETE-ONE looks the deleted id up with ``find_token_by_id``; if
that lookup is broken, the fault is BYID-MISS's, not DELETE-ONE's. The step is
written ``requires("BYID-MISS", ...)``: when it does not hold, the test's own
clauses are reported ``blocked by BYID-MISS`` instead of failed, and the
clause table points at the root fault.

A step may name several clauses when it cannot tell which of them owns the
fault (``get_tokens()`` returned None: GET-EMPTY's fault on an empty store,
GET-ALL's on a full one). The test is then blocked by those of them that fail;
if all of them pass, nothing else points at the fault and the test's own
clause fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
Found = TypeVar("Found")
CHAIN_LIMIT = 200  # exceptions looked at in one chain
Owners = str | tuple[str, ...]


class PreconditionFailed(AssertionError):
    """A step the test relies on, which another clause covers, did not hold."""

    def __init__(self, owners: Owners, message: str) -> None:
        self.owners: tuple[str, ...] = (owners,) if isinstance(owners, str) else tuple(owners)
        self.message = message
        super().__init__(f"{message} [{' or '.join(self.owners)}]")


def first_in_chain(exc: BaseException, pick: Callable[[BaseException], Found | None]) -> Found | None:
    """The first ``pick(e)`` that is not None, over ``exc``, its causes, contexts and grouped exceptions.

    The SDK wraps a store's exception in its own, and Hypothesis groups the
    failures it found, so what a test raised is rarely the fault itself: the
    kit looks through every layer, outermost first, each layer once, and at
    most ``CHAIN_LIMIT`` of them (a store may build chains of any shape).
    """
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending and len(seen) < CHAIN_LIMIT:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        found = pick(current)
        if found is not None:
            return found
        pending += linked_exceptions(current)
    return None


def linked_exceptions(exc: BaseException) -> list[BaseException]:
    """The exceptions ``exc`` points at: its cause, its context, and an exception group's members."""
    found = [getattr(exc, "__cause__", None), getattr(exc, "__context__", None)]
    members = getattr(exc, "exceptions", ())
    if isinstance(members, (list, tuple)):
        found += list(members)
    return [linked for linked in found if isinstance(linked, BaseException)]


def requires(owners: Owners, holds: bool, message: str) -> None:
    """Raise ``PreconditionFailed`` naming ``owners`` unless ``holds``."""
    if not holds:
        raise PreconditionFailed(owners, message)


def relying_on(owners: Owners, step: Callable[[], T]) -> T:
    """Run ``step``; an exception it raises is the fault of ``owners``, whose behaviour the step uses."""
    try:
        return step()
    except PreconditionFailed:
        raise
    except Exception as exc:
        call = getattr(exc, "tokenstore_call", None)
        raise PreconditionFailed(owners, call or f"{type(exc).__name__}: {exc}") from exc
