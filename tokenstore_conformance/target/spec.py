"""Turning a SPEC string (``MODULE:ATTR``) into something that builds stores.

Every way a SPEC can be wrong ends in ``SpecError`` with one line that names
the problem and what to do, because the person reading it is setting up CI,
not debugging the kit. Nothing here depends on pytest: the plugin, the
command line and child processes of the concurrency checks all load SPECs
the same way.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

from ..flags import STORES, TIMEOUT, flag
from ..sdk import TokenStore
from .spec_hints import attribute_hint, dotted_module, parameters_the_kit_cannot_pass
from .timeouts import StoreTimeout, call_with_timeout

EXAMPLE = "tokenstore_conformance.reference_stores.sqlite_store:SQLiteTokenStore"
PERSISTENT_ATTRIBUTE = "tokenstore_persistent"
SINGLE_USER_ATTRIBUTE = "tokenstore_single_user"
CONCURRENCY_ATTRIBUTE = "tokenstore_concurrency"
CONCURRENCY_LEVELS = ("none", "threads", "processes")
DEFAULT_CONCURRENCY = "threads"
# Storage that instances share is, in deployment, shared by a server's worker processes: a
# persistent store that declares nothing is held to the level it will meet there.
PERSISTENT_DEFAULT_CONCURRENCY = "processes"


class SpecError(Exception):
    """A SPEC that cannot be loaded; the message is one line meant for the user.

    The SPEC and the problem are kept apart, so that a command other than
    pytest (the bench) can name the SPEC as its own command line does.
    """

    def __init__(self, spec: str, detail: str) -> None:
        super().__init__(f"{flag(STORES)} {spec!r}: {detail}")
        self.spec = spec
        self.detail = detail

    def __reduce__(self) -> tuple[type[SpecError], tuple[str, str]]:
        return type(self), (self.spec, self.detail)


class StoreBuildError(Exception):
    """A store could not be built; the message is one line meant for the user."""


@dataclass
class BuiltStore:
    """A store and, for a generator factory, the generator whose rest is the store's teardown."""

    store: TokenStore
    teardown: Generator[object, None, None] | None = None

    def close(self) -> None:
        """Run the factory's code after ``yield``; a second call does nothing."""
        generator, self.teardown = self.teardown, None
        if generator is None:
            return
        try:
            next(generator)
        except StopIteration:
            return
        generator.close()
        raise StoreBuildError("the store factory yielded more than once; a factory yields exactly one store")


@dataclass(frozen=True)
class StoreSpec:
    """A resolved SPEC: what to call to get a fresh store, and how to call it."""

    name: str  # the SPEC as the user wrote it
    target: Callable[..., object]
    wants_tmp_path: bool
    timeout: float

    def build(self, tmp_path: Callable[[], Path]) -> BuiltStore:
        """Build a fresh store; ``tmp_path`` is called only if the factory asks for one."""
        kwargs = {"tmp_path": tmp_path()} if self.wants_tmp_path else {}
        try:
            made = call_with_timeout(self.timeout, self._make, **kwargs)
        except StoreTimeout:
            raise StoreBuildError(
                f"building store {self.name!r} did not finish within {self.timeout:g}s; "
                "check that its constructor does not wait on a server or a lock "
                f"(or raise {flag(TIMEOUT)})"
            ) from None
        except StoreBuildError:
            raise
        except Exception as exc:
            missing = _abstract_methods(exc)
            if missing:
                older = (
                    "it was written for an older TokenStore interface, which had no find_token_by_id; "
                    if "find_token_by_id" in missing
                    else ""
                )
                raise StoreBuildError(
                    f"store class {self.name!r} does not implement {', '.join(missing)}, so it cannot "
                    f"be built; {older}add the missing method(s) as docs/contract.md describes them"
                ) from exc
            raise StoreBuildError(
                f"building store {self.name!r} raised {type(exc).__name__}: {exc}; "
                f"fix the constructor or point {flag(STORES)} at a factory that builds it"
            ) from exc
        if not isinstance(made.store, TokenStore):
            made.close()
            raise StoreBuildError(
                f"{self.name!r} returned {type(made.store).__name__}, not a TokenStore; "
                "the factory must return (or yield) an instance of a TokenStore subclass"
            )
        return made

    def _make(self, **kwargs: object) -> BuiltStore:
        made = self.target(**kwargs)
        if not inspect.isgenerator(made):
            return BuiltStore(made)
        try:
            return BuiltStore(next(made), made)
        except StopIteration:
            raise StoreBuildError(
                f"store factory {self.name!r} returned without yielding a store; yield exactly one"
            ) from None

    def persistent(self, store: object) -> bool:
        """Whether instances share storage by design (``tokenstore_persistent``; default False)."""
        value = self._declared(store, PERSISTENT_ATTRIBUTE)
        return False if value is None else bool(value)

    def single_user(self, store: object) -> bool:
        """Whether the store holds one user's tokens at a time by design (``tokenstore_single_user``; default False)."""
        value = self._declared(store, SINGLE_USER_ATTRIBUTE)
        return False if value is None else bool(value)

    def declarations(self, store: object) -> dict[str, object]:
        """Everything the store declares, by name: what the header and the JSON report show."""
        return {
            "persistent": self.persistent(store),
            "concurrency": self.concurrency(store),
            "single_user": self.single_user(store),
        }

    def concurrency(self, store: object) -> str:
        """The declared ``tokenstore_concurrency``: "none", "threads" or "processes".

        Undeclared, it is "processes" for a store declared persistent and "threads" otherwise.
        """
        value = self._declared(store, CONCURRENCY_ATTRIBUTE)
        if value is None:
            return PERSISTENT_DEFAULT_CONCURRENCY if self.persistent(store) else DEFAULT_CONCURRENCY
        if value not in CONCURRENCY_LEVELS:
            raise StoreBuildError(
                f"store {self.name!r} declares {CONCURRENCY_ATTRIBUTE} = {value!r}; "
                f"use one of {', '.join(repr(level) for level in CONCURRENCY_LEVELS)}"
            )
        return value

    def declares_concurrency(self, store: object) -> bool:
        """Whether the level comes from the store itself rather than from the default."""
        return self._declared(store, CONCURRENCY_ATTRIBUTE) is not None

    def _declared(self, store: object, attribute: str) -> object:
        for holder in (store, self.target):
            value = getattr(holder, attribute, None)
            if value is not None:
                return value
        return None


def load_spec(spec: str, timeout: float) -> StoreSpec:
    """Resolve ``module:attribute`` into a StoreSpec, or raise SpecError."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise SpecError(spec, f"expected MODULE:ATTRIBUTE, for example {EXAMPLE}")
    dotted = dotted_module(module_name)
    if dotted is not None:
        raise SpecError(
            spec,
            f"{module_name!r} is a file path, and the kit imports a module; "
            f"name it with dots: {flag(STORES)}={dotted}:{attribute}",
        )
    module = _import(spec, module_name)
    target: object = module
    for part in attribute.split("."):
        holder = target
        try:
            target = getattr(holder, part)
        except AttributeError:
            raise SpecError(
                spec, f"module {module_name!r} has no attribute {attribute!r}; {attribute_hint(holder, part)}"
            ) from None
    if inspect.isclass(target):
        if not issubclass(target, TokenStore):
            raise SpecError(
                spec,
                f"class {target.__name__} is not a subclass of TokenStore; "
                "subclass zohocrmsdk's TokenStore or point at a factory function",
            )
    elif not callable(target):
        raise SpecError(
            spec,
            f"{attribute} is a {type(target).__name__}, neither a TokenStore subclass nor a factory callable",
        )
    missing = parameters_the_kit_cannot_pass(target)
    if missing:
        raise SpecError(
            spec,
            f"{attribute}() needs {', '.join(repr(m) for m in missing)}, and the kit "
            "passes only tmp_path (a fresh directory per test); rename the parameter tmp_path, give it "
            "a default, or point at a factory that takes no arguments",
        )
    return StoreSpec(spec, target, _wants_tmp_path(target), timeout)


def _import(spec: str, module_name: str) -> object:
    # Like ``python -m pytest``: a store module in the directory the kit was
    # started from is importable without installing it.
    cwd = str(Path.cwd())
    if cwd not in sys.path:
        sys.path.append(cwd)
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise SpecError(
                spec,
                f"no module named {module_name!r}; install it or run pytest from the directory that holds it",
            ) from None
        raise SpecError(spec, f"importing {module_name!r} failed: {exc}") from None
    except Exception as exc:
        raise SpecError(spec, f"importing {module_name!r} raised {type(exc).__name__}: {exc}") from None


def _abstract_methods(exc: Exception) -> list[str]:
    """The methods a TypeError says a class left abstract (``Can't instantiate abstract class ...``)."""
    text = str(exc)
    if not isinstance(exc, TypeError) or "abstract class" not in text:
        return []
    named = text.split(" method", 1)[-1].lstrip("s ")
    return sorted(re.findall(r"[A-Za-z_]\w*", named.replace(" and ", ",")))


def _wants_tmp_path(target: Callable[..., object]) -> bool:
    try:
        parameters = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return False
    return "tmp_path" in parameters
