"""Turning a SPEC into stores to measure: the bench's only contact with the kit's SPEC loader.

A SPEC is ``MODULE:ATTRIBUTE`` as for ``--tokenstore``, optionally prefixed by
a label for the tables (``before=mypkg.stores:make_store``). Every store is
built in a directory of its own and thrown away after one size, so each size
starts from an empty store.
"""

from __future__ import annotations

import inspect
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..sdk import TokenStore

BUILD_TIMEOUT = 60.0  # seconds for one store constructor; stores may create files or schemas


class BenchUsageError(Exception):
    """The command line or a SPEC is wrong; the message is one line saying what to do (exit 2)."""


class StoreRefused(Exception):
    """A store already holds tokens the bench did not write (exit 4)."""


class StoreFailed(Exception):
    """A store raised or answered wrongly while being measured (exit 1)."""


@dataclass(frozen=True)
class Target:
    """One store to measure: its label in tables and files, its SPEC, and the loaded spec."""

    label: str
    spec: str
    loaded: object


def load_target(text: str) -> Target:
    """Resolve ``[LABEL=]MODULE:ATTRIBUTE``; every way it can be wrong is a BenchUsageError."""
    label, sep, spec = text.partition("=")
    if not sep:
        label, spec = "", text
    # The kit's loader; it moves to tokenstore_conformance.target.spec (raising SpecError).
    from ..spec import load_spec

    try:
        loaded = load_spec(spec, BUILD_TIMEOUT)
    except Exception as exc:  # pytest.UsageError today, SpecError later: both carry one line
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BenchUsageError(message.replace("--tokenstore ", "SPEC ", 1)) from None
    return Target(label or spec.rpartition(":")[2], spec, loaded)


@contextmanager
def open_store(target: Target, directory: Path) -> Iterator[TokenStore]:
    """Build a store (in ``directory`` if its factory takes ``tmp_path``), yield it, then release it.

    A generator factory is advanced once to get the store and closed afterwards,
    so its code after ``yield`` runs; a store with a ``close()`` method is closed.
    """
    spec = target.loaded
    if inspect.isgeneratorfunction(spec.target):
        generator = spec.target(**({"tmp_path": directory} if spec.wants_tmp_path else {}))
        try:
            store = next(generator)
        except Exception as exc:
            raise BenchUsageError(f"SPEC {target.spec!r}: the factory raised {type(exc).__name__}: {exc}")
        if not isinstance(store, TokenStore):
            generator.close()
            raise BenchUsageError(f"SPEC {target.spec!r}: the factory yielded {type(store).__name__}, not a TokenStore")
    else:
        generator = None
        try:
            store = spec.build(lambda: directory)
        except Exception as exc:  # StoreBuildError: one line already
            raise BenchUsageError(str(exc).splitlines()[0]) from None
    try:
        yield store
    finally:
        close = getattr(store, "close", None)
        if callable(close):
            close()
        if generator is not None:
            generator.close()


@contextmanager
def scratch_directory() -> Iterator[Path]:
    """A temporary directory removed afterwards, whatever the store left in it."""
    path = Path(tempfile.mkdtemp(prefix="tokenstore-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def held_tokens(target: Target, store: TokenStore) -> int:
    """How many tokens a fresh store holds; the bench writes only to empty stores."""
    try:
        return len(store.get_tokens() or [])
    except Exception as exc:
        raise StoreFailed(
            f"store {target.label}: get_tokens() raised {type(exc).__name__}: {exc}, so the bench "
            "cannot check that the store is empty before writing to it"
        ) from None


def refuse_if_not_empty(target: Target) -> None:
    """Stop before writing anything if a fresh store already holds tokens (a production database?)."""
    with scratch_directory() as directory, open_store(target, directory) as store:
        held = held_tokens(target, store)
    if held:
        raise StoreRefused(
            f"SPEC {target.spec!r}: the store already holds {held} token(s) the bench did not write; "
            "the bench saves and deletes tokens, so point it at an empty store"
        )
