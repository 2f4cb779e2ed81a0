"""Turning a SPEC into stores to measure, with the kit's own SPEC loader.

A SPEC is ``MODULE:ATTRIBUTE`` as for ``--tokenstore``, optionally prefixed by
a label for the tables (``before=mypkg.stores:make_store``). Every store is
built in a directory of its own and thrown away after one size, so each size
starts from an empty store.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..sdk import TokenStore
from ..target.spec import SpecError, StoreBuildError, StoreSpec, load_spec

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
    loaded: StoreSpec


def load_target(text: str) -> Target:
    """Resolve ``[LABEL=]MODULE:ATTRIBUTE``; every way it can be wrong is a BenchUsageError."""
    label, sep, spec = text.partition("=")
    if not sep:
        label, spec = "", text
    try:
        loaded = load_spec(spec, BUILD_TIMEOUT)
    except SpecError as exc:
        raise BenchUsageError(f"SPEC {exc.spec!r}: {exc.detail}") from None
    return Target(label or spec.rpartition(":")[2], spec, loaded)


@contextmanager
def open_store(target: Target, directory: Path) -> Iterator[TokenStore]:
    """Build a store (in ``directory`` if its factory takes ``tmp_path``), yield it, then release it.

    A generator factory's code after ``yield`` runs afterwards, and a store
    with a ``close()`` method is closed, so no connection outlives its size.
    """
    try:
        built = target.loaded.build(lambda: directory)
    except StoreBuildError as exc:
        raise BenchUsageError(str(exc)) from None
    try:
        yield built.store
    finally:
        close = getattr(built.store, "close", None)
        if callable(close):
            close()
        built.close()


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
        refuse_held(target, store, "the bench saves and deletes tokens, so point it at an empty store")


def refuse_held(target: Target, store: TokenStore, why: str) -> None:
    """Raise StoreRefused if ``store`` holds tokens the bench did not write; ``why`` ends the message."""
    held = held_tokens(target, store)
    if held:
        raise StoreRefused(
            f"SPEC {target.spec!r}: the store already holds {held} token(s) the bench did not write; {why}"
        )
