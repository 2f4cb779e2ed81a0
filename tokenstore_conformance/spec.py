"""Turning a ``--tokenstore`` SPEC string into something that builds stores.

Every way a SPEC can be wrong ends in ``pytest.UsageError`` with one line that
names the problem and what to do, because the person reading it is setting up
CI, not debugging the kit.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from .sdk import TokenStore
from .timeouts import StoreTimeout, call_with_timeout

EXAMPLE = "reference_stores.sqlite_store:SQLiteTokenStore"
PERSISTENT_ATTRIBUTE = "tokenstore_persistent"


@dataclass(frozen=True)
class StoreSpec:
    """A resolved SPEC: what to call to get a fresh store, and how to call it."""

    spec: str
    target: Callable[..., object]
    wants_tmp_path: bool
    timeout: float

    def build(self, tmp_path: Callable[[], Path]) -> TokenStore:
        """Build a fresh store; ``tmp_path`` is called only if the factory asks for one."""
        kwargs = {"tmp_path": tmp_path()} if self.wants_tmp_path else {}
        try:
            store = call_with_timeout(self.timeout, self.target, **kwargs)
        except StoreTimeout:
            raise StoreBuildError(
                f"building store {self.spec!r} did not finish within {self.timeout:g}s; "
                "check that its constructor does not wait on a server or a lock "
                "(or raise --tokenstore-timeout)"
            ) from None
        except Exception as exc:
            raise StoreBuildError(
                f"building store {self.spec!r} raised {type(exc).__name__}: {exc}; "
                "fix the constructor or point --tokenstore at a factory that builds it"
            ) from exc
        if not isinstance(store, TokenStore):
            raise StoreBuildError(
                f"{self.spec!r} returned {type(store).__name__}, not a TokenStore; "
                "the factory must return an instance of a TokenStore subclass"
            )
        return store

    def persistent(self, store: object) -> bool:
        """Whether instances share storage by design (``tokenstore_persistent``; default False)."""
        for holder in (store, self.target):
            value = getattr(holder, PERSISTENT_ATTRIBUTE, None)
            if value is not None:
                return bool(value)
        return False


class StoreBuildError(Exception):
    """A store could not be built; the message is one line meant for the user."""


def load_spec(spec: str, timeout: float) -> StoreSpec:
    """Resolve ``module:attribute`` into a StoreSpec, or raise pytest.UsageError."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise pytest.UsageError(f"--tokenstore {spec!r}: expected MODULE:ATTRIBUTE, for example {EXAMPLE}")
    module = _import(spec, module_name)
    target: object = module
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise pytest.UsageError(
                f"--tokenstore {spec!r}: module {module_name!r} has no attribute {attribute!r}; "
                "check the name after the colon"
            ) from None
    if inspect.isclass(target):
        if not issubclass(target, TokenStore):
            raise pytest.UsageError(
                f"--tokenstore {spec!r}: class {target.__name__} is not a subclass of TokenStore; "
                "subclass zohocrmsdk's TokenStore or point at a factory function"
            )
        if inspect.isabstract(target):
            missing = ", ".join(sorted(target.__abstractmethods__))
            raise pytest.UsageError(
                f"--tokenstore {spec!r}: class {target.__name__} does not implement {missing}"
            )
    elif not callable(target):
        raise pytest.UsageError(
            f"--tokenstore {spec!r}: {attribute} is a {type(target).__name__}, "
            "neither a TokenStore subclass nor a factory callable"
        )
    return StoreSpec(spec, target, _wants_tmp_path(target), timeout)


def _import(spec: str, module_name: str) -> object:
    # Like ``python -m pytest``: a store module in the directory pytest was
    # started from is importable without installing it.
    cwd = str(Path.cwd())
    if cwd not in sys.path:
        sys.path.append(cwd)
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise pytest.UsageError(
                f"--tokenstore {spec!r}: no module named {module_name!r}; "
                "install it or run pytest from the directory that holds it"
            ) from None
        raise pytest.UsageError(f"--tokenstore {spec!r}: importing {module_name!r} failed: {exc}") from None
    except Exception as exc:
        raise pytest.UsageError(
            f"--tokenstore {spec!r}: importing {module_name!r} raised {type(exc).__name__}: {exc}"
        ) from None


def _wants_tmp_path(target: Callable[..., object]) -> bool:
    try:
        parameters = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return False
    return "tmp_path" in parameters
