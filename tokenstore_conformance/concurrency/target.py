"""The store under test as the concurrency engine sees it: built from its SPEC string, nothing else.

Every process of a check builds its own store from the same SPEC string (and
the same temporary directory for a factory that takes one), exactly as a
second worker of an application would: nothing is pickled or inherited. This
module is the engine's only door into the rest of the kit, so that moving the
kit's modules changes these imports and nothing else.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..fakezoho import ORG_ZGID, TOKEN_PATH, FakeZoho, now_ms
from ..flow import GuardedStore, loopback_no_proxy
from ..sdk import (
    OAuthToken,
    TokenStore,
    call_get_users,
    describe_sdk_log,
    isolated_sdk,
    make_environment,
    sdk_initialize,
    sdk_user_name,
)
from ..spec import StoreBuildError, load_spec
from ..tokens import FIELD_NAMES, TokenRecord, make_token, record_of

__all__ = [
    "FIELD_NAMES",
    "LEVELS",
    "ORG_ZGID",
    "TOKEN_PATH",
    "FakeZoho",
    "GuardedStore",
    "OAuthToken",
    "StoreBuildError",
    "TokenRecord",
    "built_store",
    "call_get_users",
    "declared_level",
    "describe_sdk_log",
    "isolated_sdk",
    "loopback_no_proxy",
    "make_environment",
    "make_token",
    "now_ms",
    "record_of",
    "sdk_initialize",
    "sdk_user_name",
]

ATTRIBUTE = "tokenstore_concurrency"
LEVELS = ("none", "threads", "processes")
DEFAULT_LEVEL = "threads"


def declared_level(store: object, factory: object) -> str:
    """The declared ``tokenstore_concurrency`` of a store: instance, then class, then factory."""
    for holder in (store, factory):
        value = getattr(holder, ATTRIBUTE, None)
        if value is None:
            continue
        if value not in LEVELS:
            raise ValueError(
                f"{ATTRIBUTE} = {value!r} is not one of {', '.join(map(repr, LEVELS))}; "
                "declare how the store may be shared: 'none', 'threads' or 'processes'"
            )
        return value
    return DEFAULT_LEVEL


def factory_of(spec: str, timeout: float) -> Callable[..., object]:
    """What the SPEC names (a class or a factory), for reading declarations from it."""
    return load_spec(spec, timeout).target


@contextmanager
def built_store(spec: str, timeout: float, tmp_path: str | None) -> Iterator[TokenStore]:
    """A store built from ``spec``, closed again afterwards; the one place stores are built.

    A factory that is a generator function yields its store; the code after its
    ``yield`` is the store's teardown, run when the block ends.
    """
    try:
        resolved = load_spec(spec, timeout)
    except Exception as exc:  # the kit's start-up resolved this SPEC; a child failing it is news
        raise StoreBuildError(f"resolving {spec!r} in a worker process failed: {exc}") from None

    def directory() -> Path:
        if tmp_path is None:
            raise StoreBuildError(f"{spec!r} asks for tmp_path but the check was given none")
        return Path(tmp_path)

    if inspect.isgeneratorfunction(resolved.target):
        kwargs = {"tmp_path": directory()} if resolved.wants_tmp_path else {}
        generator = resolved.target(**kwargs)
        try:
            store = next(generator)
        except Exception as exc:
            raise StoreBuildError(f"building store {spec!r} raised {type(exc).__name__}: {exc}") from exc
        if not isinstance(store, TokenStore):
            generator.close()
            raise StoreBuildError(f"{spec!r} yielded {type(store).__name__}, not a TokenStore")
        try:
            yield store
        finally:
            generator.close()
        return
    yield resolved.build(directory)
