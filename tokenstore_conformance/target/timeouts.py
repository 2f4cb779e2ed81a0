"""A time limit on every call into the store under test.

A store that hangs (a lock never released, a server that never answers) must
end as one failed test with a clear message, not as a CI job killed at its
time limit. SIGALRM interrupts the call in the thread that made it, so stores
that keep thread-bound connections (sqlite3's default) keep working; where
there is no SIGALRM (Windows, or a call from another thread) calls run
without a limit.

A timed-out call is a failure of the test that made it, never an outcome:
``StoreTimeout`` is a ``BaseException``, so no ``except Exception`` of the
kit, the SDK or the store turns it into a value two runs could agree on. A
timed-out call is owned by the clauses that own its method (as a call that
raised is, ``boundary.OWNERS``), and a method that hung once is not called
again: later calls fail at once, blocked by those clauses, so a hanging store
costs one time limit per method, not one per call.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ..flags import TIMEOUT, flag
from ..records.preconditions import PreconditionFailed, first_in_chain
from ..sdk import TokenStore
from . import network
from .boundary import OWNERS, call_line, checked_return, owned_exception

T = TypeVar("T")

_active = threading.local()


class StoreTimeout(BaseException):
    """A store call exceeded ``--tokenstore-timeout``: the test fails, whatever catches ``Exception``."""


@dataclass(frozen=True)
class Hang:
    """The first call of one store method that timed out; the clauses that own the method own the hang."""

    message: str
    owners: tuple[str, ...]


_hangs: dict[tuple[str, str], Hang] = {}  # (SPEC, method) -> its first hang, in this process


def hang_of(exc: BaseException) -> Hang | None:
    """The hang a failure came from, also when the kit or the SDK wrapped the timeout in its own exception."""
    return first_in_chain(exc, lambda current: getattr(current, "tokenstore_hang", None))


class MethodHung(PreconditionFailed):
    """A call not made because the same method of the same store hung earlier in the run."""

    def __init__(self, hang: Hang, message: str) -> None:
        super().__init__(hang.owners, message)
        self.tokenstore_hang = hang


def call_with_timeout(seconds: float, func: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Call ``func``; raise StoreTimeout if it has not returned after ``seconds``."""
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and not getattr(_active, "depth", 0)
    )
    if not usable:
        return func(*args, **kwargs)

    name = getattr(func, "__name__", repr(func))

    def on_alarm(signum: int, frame: object) -> None:
        raise StoreTimeout(
            f"{name}() did not return within {seconds:g}s; the store may wait on a lock or a "
            f"server that never answers (raise {flag(TIMEOUT)} if it is only slow)"
        )

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _active.depth = 1
    try:
        return func(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _active.depth = 0


def _tag(exc: BaseException, method: str) -> None:
    """Note which store method a failure came from, so the terse summary groups equal faults
    (harness/failure_groups.py); an exception that refuses new attributes stays as it is."""
    with contextlib.suppress(Exception):
        exc.tokenstore_method = method


class TimedStore(TokenStore):
    """Wraps a store so that each of the six methods runs under the time limit.

    Everything else (attributes, extra methods) is passed through, and return
    values are the store's own objects, so identity checks still see them; each
    is checked at the boundary (``boundary.py``) before the kit reads it.
    """

    def __init__(self, store: TokenStore, seconds: float, name: str = "") -> None:
        self.wrapped = store
        self.seconds = seconds
        self.name = name or repr(store)

    def __getattr__(self, name: str) -> object:
        return getattr(self.wrapped, name)

    def __repr__(self) -> str:
        return repr(self.wrapped)

    def _call(self, method: str, *args: object) -> object:
        earlier = _hangs.get((self.name, method))
        if earlier is not None:
            raise MethodHung(
                earlier,
                f"{call_line(method, args)} was not made: {earlier.message.split(';')[0]} earlier "
                "in this run, and the kit does not call a method that hung again",
            )
        refused = network.refusal_count()
        try:
            result = call_with_timeout(self.seconds, getattr(self.wrapped, method), *args)
        except StoreTimeout as exc:
            exc.tokenstore_hang = _hangs.setdefault((self.name, method), Hang(str(exc), OWNERS[method]))
            _tag(exc, method)
            raise
        except Exception as exc:
            if network.refusal_count() > refused:
                # The store failed after the kit refused it a connection off the machine (whatever it
                # raised, its own error or the refusal itself): that is NET-LOOPBACK's fault.
                message = f"{network.last_refusal().message()}; {method}() then raised {type(exc).__name__}"
                raise PreconditionFailed(network.CLAUSE, message) from exc
            # One line in the store's terms before the traceback: which call, with what, raised what;
            # and the fault is the clauses' that own the method (target/boundary.py).
            owned = owned_exception(method, args, exc)
            _tag(owned, method)
            if owned is exc:
                exc.tokenstore_call = f"{call_line(method, args)} raised {type(exc).__name__}: {exc}"
                raise
            raise owned from exc
        try:
            return checked_return(method, args, result)
        except PreconditionFailed as exc:
            _tag(exc, method)  # a wrong shape, named by the method that returned it
            raise

    def find_token(self, token):
        return self._call("find_token", token)

    def save_token(self, token):
        return self._call("save_token", token)

    def delete_token(self, id):
        return self._call("delete_token", id)

    def get_tokens(self):
        return self._call("get_tokens")

    def delete_tokens(self):
        return self._call("delete_tokens")

    def find_token_by_id(self, id):
        return self._call("find_token_by_id", id)
