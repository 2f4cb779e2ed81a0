"""The store under test as the concurrency engine sees it: built from its SPEC string, nothing else.

Every process of a check builds its own store from the same SPEC string (and
the same temporary directory for a factory that takes one), exactly as a
second worker of an application would: nothing is pickled or inherited. This
module is the engine's only door into the rest of the kit, so that moving the
kit's modules changes these imports and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..records import FIELD_NAMES, TokenRecord, make_token, record_of
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
from ..sdkflow.fakezoho import ORG_ZGID, TOKEN_PATH, FakeZoho, now_ms
from ..sdkflow.flow import GuardedStore, loopback_no_proxy
from ..target import network
from ..target.spec import CONCURRENCY_LEVELS, StoreBuildError, load_spec

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
    "describe_sdk_log",
    "isolated_sdk",
    "loopback_no_proxy",
    "make_environment",
    "make_token",
    "network",
    "now_ms",
    "record_of",
    "sdk_initialize",
    "sdk_user_name",
]

# The levels in order, each implying the ones before it; StoreSpec.concurrency reads the declaration.
LEVELS = CONCURRENCY_LEVELS


def factory_of(spec: str, timeout: float) -> Callable[..., object]:
    """What the SPEC names (a class or a factory), for reading declarations from it."""
    return load_spec(spec, timeout).target


_KEPT_UNTIL_EXIT: list[object] = []


@contextmanager
def built_store(spec: str, timeout: float, tmp_path: str | None) -> Iterator[TokenStore]:
    """A store built from ``spec`` in a worker process; the one place workers build stores."""
    try:
        resolved = load_spec(spec, timeout)
    except Exception as exc:  # the kit's start-up resolved this SPEC; a child failing it is news
        raise StoreBuildError(f"resolving {spec!r} in a worker process failed: {exc}") from None

    def directory() -> Path:
        if tmp_path is None:
            raise StoreBuildError(f"{spec!r} asks for tmp_path but the check was given none")
        return Path(tmp_path)

    # StoreSpec.build handles classes, factories and generator factories alike. A generator
    # factory's teardown is not run here: the storage belongs to the test in pytest's process,
    # whose factory tears it down once, after every worker is gone (a worker dropping the table
    # would take its siblings' records with it). The built store is kept referenced until the
    # worker ends with os._exit, so that not even garbage collection closes the generator.
    built = resolved.build(directory)
    _KEPT_UNTIL_EXIT.append(built)
    yield built.store
