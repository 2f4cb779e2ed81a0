"""What kind of fault a failed test shows, so that the terse summary prints one line per fault, not per test.

One bug in a store fails many tests with the same exception: ``get_tokens``
raising the same ``SDKException`` fails every test that lists the store.
Printed test by test, that is hundreds of lines saying one thing. A failure's
kind is what equal faults share: the exception's type, the store method it
came from (``target/timeouts.py`` notes it as ``tokenstore_method`` where the
call leaves the store) and its message with the parts that change from call
to call (addresses, ids, numbers) normalised. A failed assertion of the kit's
own checks (an assertion, ``pytest.fail``) has no store method; it is one
fault per clause and first line.

Everything here reads exceptions a store made, so nothing here may raise: a
``__str__`` that raises, an empty or endless message, a ``BaseException``
subclass, an exception group, a cycle of causes all give a kind.
"""

from __future__ import annotations

import os
import re
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from ..records.preconditions import CHAIN_LIMIT, PreconditionFailed, first_in_chain
from ..sdk import SDK_DIRECTORY

# What the kit's own checks raise: a failed check is its clause's fault, whatever else it says.
CHECKS: tuple[type[BaseException], ...] = (AssertionError, pytest.fail.Exception)
# Frames in these are not the store's own lines: the SDK's code and the standard library's.
_NOT_THE_STORES = tuple(
    os.path.join(os.path.abspath(directory), "")
    for directory in (SDK_DIRECTORY, sysconfig.get_paths()["stdlib"])
)
MESSAGE_LIMIT = 120  # characters of a message on a summary line: enough to recognise it, one line

# Volatile parts, most specific first: each becomes a placeholder, so equal faults share one text.
_VOLATILE = (
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "<address>"),
    (re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"), "<id>"),
    (re.compile(r"\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{12,}\b"), "<id>"),
    (re.compile(r"\d+(\.\d+)?"), "N"),
)


@dataclass(frozen=True)
class FailureKind:
    """What equal faults share (``key``) and how the summary line names them (``label``)."""

    key: str
    label: str  # with the volatile parts normalised: what every failure of the kind says
    exact: str = ""  # the label with this failure's own message, shown when all failures of a kind say it
    origin: str = ""  # ``FILE:LINE`` where the store raised it (absolute), or "" when unknown


def origin_of(exc: BaseException) -> str:
    """``FILE:LINE`` of the store's line that raised ``exc``: the innermost frame outside the SDK and
    the standard library, since a store that misuses the SDK (``OAuthToken()`` without arguments)
    raises inside the SDK, and its author needs their own line; the innermost frame if all are theirs."""
    frames: list[tuple[str, int]] = []
    tb = getattr(exc, "__traceback__", None)
    while tb is not None and len(frames) < 10_000:
        filename = getattr(getattr(getattr(tb, "tb_frame", None), "f_code", None), "co_filename", None)
        if isinstance(filename, str) and filename and not filename.startswith("<"):
            frames.append((filename, getattr(tb, "tb_lineno", 0)))
        tb = getattr(tb, "tb_next", None)
    if not frames:
        return ""
    own = [frame for frame in frames if not os.path.abspath(frame[0]).startswith(_NOT_THE_STORES)]
    filename, line = (own or frames)[-1]
    return f"{filename}:{line}"


def safe_str(exc: BaseException) -> str:
    """``str(exc)``, or a note saying it could not be had: a store's ``__str__`` may raise."""
    try:
        text = str(exc)
    except Exception as error:
        return f"<str() raised {_name(error)}>"
    return text if isinstance(text, str) else ""


def first_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """The first non-blank line of ``text``, cut to ``limit`` characters (``...`` marks a cut)."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 3].rstrip() + "..."


def normalise(text: str) -> str:
    """``text`` with addresses, ids and numbers replaced by placeholders, so equal faults compare equal."""
    for pattern, placeholder in _VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def _name(exc: BaseException) -> str:
    return getattr(type(exc), "__name__", "exception")


def _from_store(exc: BaseException) -> BaseException | None:
    """The first exception in the chain that the boundary marked with the store method it came from."""
    return first_in_chain(
        exc, lambda current: current if isinstance(getattr(current, "tokenstore_method", None), str) else None
    )


def _leaf(exc: BaseException) -> BaseException:
    """The first exception inside nested exception groups (``exc`` itself if it is not a group)."""
    for _ in range(CHAIN_LIMIT):
        members = getattr(exc, "exceptions", None)
        if not isinstance(members, (list, tuple)) or not members or not isinstance(members[0], BaseException):
            return exc
        exc = members[0]
    return exc


def _kind(what: str, message: str, raised: BaseException | None = None) -> FailureKind:
    line = first_line(message, limit=10 * MESSAGE_LIMIT)
    shown = normalise(line)
    label = f"{what}: {first_line(shown)}" if shown else what
    exact = f"{what}: {first_line(line)}" if line else what
    origin = origin_of(raised) if raised is not None else ""
    return FailureKind(key=f"{what}\n{shown}", label=label, exact=exact, origin=origin)


def _store_kind(marked: BaseException) -> FailureKind:
    method = marked.tokenstore_method
    if getattr(marked, "tokenstore_hang", None) is not None or _name(marked) == "StoreTimeout":
        return _kind(f"{_name(marked)} from {method}", safe_str(marked))
    if isinstance(marked, PreconditionFailed):
        cause = marked.__cause__
        if isinstance(cause, BaseException):  # the store raised; the boundary made it a precondition
            return _kind(f"{_name(cause)} from {method}", safe_str(cause), cause)
        return _kind(f"wrong return value from {method}", str(marked.message))
    return _kind(f"{_name(marked)} from {method}", safe_str(marked), marked)


def kind_of(exc: BaseException, clause_ids: Sequence[str] = ()) -> FailureKind:
    """The kind of fault ``exc`` shows in a test of ``clause_ids``; never raises, whatever ``exc`` is."""
    try:
        marked = _from_store(exc)
        if marked is not None:
            return _store_kind(marked)
        leaf = _leaf(exc)
        what = _name(leaf) if leaf is exc else f"{_name(exc)} of {_name(leaf)}"
        if isinstance(leaf, CHECKS) and clause_ids:
            what = f"{what} in {', '.join(clause_ids)}"
        message = str(leaf.message) if isinstance(leaf, PreconditionFailed) else safe_str(leaf)
        return _kind(what, message)
    except Exception:
        return FailureKind(
            key=f"unreadable\n{type(exc)!r}", label=f"{_name(exc)} (its details could not be read)"
        )
