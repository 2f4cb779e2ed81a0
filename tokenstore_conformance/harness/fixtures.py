"""Fixtures that hand each contract test fresh stores, and clean up after it.

A fresh store is built for every test, so no test depends on another. The kit
only ever deletes what it wrote: each test's first store must start empty, and
the cleanup after the test runs only when that was checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..sdk import TokenStore
from ..target import network
from ..target.cleanup import empty_store, held_tokens
from ..target.spec import SINGLE_USER_ATTRIBUTE, StoreSpec
from .collection import collect_contract_file
from .factory import StoreFactory
from .settings import SETTINGS_KEY, Settings

MULTI_USER = "multi_user"  # the marker of contract tests that need several records at once


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_spec" in metafunc.fixturenames:
        specs = metafunc.config.stash[SETTINGS_KEY].specs
        metafunc.parametrize("store_spec", specs, ids=[s.name for s in specs])


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    return collect_contract_file(file_path, parent)


@pytest.fixture
def tokenstore_settings(request: pytest.FixtureRequest) -> Settings:
    """The run's resolved settings (stores, timeout, profile, seed, and where each came from)."""
    return request.config.stash[SETTINGS_KEY]


@pytest.fixture
def store_factory(store_spec: StoreSpec, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreFactory]:
    """A callable that builds a fresh store of the store under test on every call.

    From here to the end of the cleanup, no connection leaves the machine (``target/network.py``).
    """
    with network.loopback_only():
        factory = StoreFactory(store_spec, tmp_path_factory)
        yield factory
        network.install()  # pytest-socket's plugin lifts it after each test, before fixtures end
        factory.clean_up()


@pytest.fixture
def token_store(
    store_factory: StoreFactory, tokenstore_settings: Settings, request: pytest.FixtureRequest
) -> TokenStore:
    """A fresh, empty store of the store under test; what the test saved is deleted afterwards.

    A test marked ``multi_user`` needs several records at once: for a store
    declared single-user it is skipped, which the clause table reports as
    ``not applicable``.
    """
    store = store_factory()
    if request.node.get_closest_marker(MULTI_USER) is not None and store_factory.single_user(store):
        pytest.skip(
            f"the store declares {SINGLE_USER_ATTRIBUTE} = True: this test needs several users at once"
        )
    if tokenstore_settings.allow_existing:
        empty_store(store)  # the user opted in to losing what the store held
    else:
        held = held_tokens(store)
        if held:
            pytest.fail(
                f"the store held {held} token(s) before this test began (an earlier test's cleanup "
                "failed, or another process writes to it); the kit will not delete them",
                pytrace=False,
            )
    store_factory.owns_contents = True
    return store


@pytest.fixture
def single_user(token_store: TokenStore, store_factory: StoreFactory) -> bool:
    """Whether the store under test declares that it holds one user's tokens at a time."""
    return store_factory.single_user(token_store)
