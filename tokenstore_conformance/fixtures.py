"""Fixtures that hand each contract test fresh stores, and clean up after it.

A fresh store is built for every test, so no test depends on another. The kit
only ever deletes what it wrote: each test's first store must start empty, and
the cleanup after the test runs only when that was checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .sdk import TokenStore
from .spec import StoreBuildError, StoreSpec
from .timeouts import TimedStore


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_spec" in metafunc.fixturenames:
        from .session import SPECS_KEY

        specs = metafunc.config.stash[SPECS_KEY]
        metafunc.parametrize("store_spec", specs, ids=[s.spec for s in specs])


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    from .session import collect_contract_file

    return collect_contract_file(file_path, parent)


class StoreFactory:
    """Builds fresh, time-limited stores for one test and remembers them for cleanup.

    All stores of one test get the same temporary directory, so a factory that
    keeps its data there is persistent within the test (a second instance
    reopens the first one's storage) and fresh for the next test.
    """

    def __init__(self, spec: StoreSpec, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.spec = spec
        self._tmp_path_factory = tmp_path_factory
        self._tmp_path: Path | None = None
        self.built: list[TimedStore] = []

    def tmp_path(self) -> Path:
        if self._tmp_path is None:
            self._tmp_path = self._tmp_path_factory.mktemp("store")
        return self._tmp_path

    def new_storage(self) -> None:
        """Make the next store built use a new temporary directory, as if a new test began.

        A test that runs many independent examples (the lifecycle state
        machine) calls this before each one, so a store that keeps its data
        in ``tmp_path`` starts every example from empty storage.
        """
        self._tmp_path = None

    def __call__(self) -> TimedStore:
        try:
            raw = self.spec.build(self.tmp_path)
        except StoreBuildError as exc:
            pytest.fail(str(exc), pytrace=False)
        store = TimedStore(raw, self.spec.timeout)
        self.built.append(store)
        return store

    def persistent(self, store: TokenStore) -> bool:
        """Whether ``store`` (as built here) shares its storage with other instances by design."""
        raw = store.wrapped if isinstance(store, TimedStore) else store
        return self.spec.persistent(raw)


@pytest.fixture
def store_factory(store_spec: StoreSpec, tmp_path_factory: pytest.TempPathFactory) -> StoreFactory:
    """A callable that builds a fresh store of the store under test on every call."""
    return StoreFactory(store_spec, tmp_path_factory)


@pytest.fixture
def token_store(store_factory: StoreFactory, request: pytest.FixtureRequest) -> Iterator[TokenStore]:
    """A fresh, empty store of the store under test; what the test saved is deleted afterwards."""
    from .session import ALLOW_EXISTING_KEY

    store = store_factory()
    if request.config.stash[ALLOW_EXISTING_KEY]:
        empty_store(store)  # the user opted in to losing what the store held
    else:
        held = _held_tokens(store)
        if held:
            pytest.fail(
                f"the store held {held} token(s) before this test began (an earlier test's cleanup "
                "failed, or another process writes to it); the kit will not delete them",
                pytrace=False,
            )
    yield store
    for built in reversed(store_factory.built):
        empty_store(built)


def _held_tokens(store: TokenStore) -> int:
    try:
        return len(store.get_tokens() or [])
    except Exception:
        # get_tokens is broken; the session guard has already checked a fresh
        # store, and the GET-* tests report the fault itself.
        return 0


def empty_store(store: TokenStore) -> None:
    """Remove what a test wrote, tolerating a store whose delete methods are broken."""
    try:
        store.delete_tokens()
        if not store.get_tokens():
            return
    except Exception:
        pass
    try:
        for token in store.get_tokens() or []:
            store.delete_token(token.get_id())
    except Exception:
        pass
