"""The store factory a contract test gets: fresh, time-limited stores, remembered for cleanup."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..records.preconditions import PreconditionFailed
from ..sdk import TokenStore
from ..target.cleanup import empty_store
from ..target.redaction import remember_fields
from ..target.spec import BuiltStore, StoreBuildError, StoreSpec
from ..target.timeouts import TimedStore


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
        self._built: list[tuple[TimedStore, BuiltStore]] = []
        # Set once the test's first store was found empty (or the user allowed
        # deleting what it held): only then does the cleanup delete anything.
        self.owns_contents = False

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def built(self) -> list[TimedStore]:
        return [store for store, _ in self._built]

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

    def build(self) -> TimedStore:
        """A fresh store; raises StoreBuildError with a one-line message if it cannot be built."""
        built = self.spec.build(self.tmp_path)
        remember_fields(built.store)
        store = TimedStore(built.store, self.spec.timeout, self.spec.name)
        self._built.append((store, built))
        return store

    def __call__(self) -> TimedStore:
        """A fresh store; a store that cannot be built fails the test with the one-line reason.

        A build that fails after an instance of this test, or the kit's start-up
        check, created the storage is INSTANCE-REOPEN's fault: the test is
        blocked by that clause instead of failing its own.
        """
        try:
            return self.build()
        except StoreBuildError as exc:
            if self._built or not self.spec.wants_tmp_path:
                raise PreconditionFailed(
                    "INSTANCE-REOPEN", f"a new instance over storage an earlier instance created: {exc}"
                ) from None
            pytest.fail(str(exc), pytrace=False)

    def persistent(self, store: TokenStore) -> bool:
        """Whether ``store`` (as built here) shares its storage with other instances by design."""
        return self.spec.persistent(_unwrapped(store))

    def single_user(self, store: TokenStore) -> bool:
        """Whether ``store`` (as built here) holds one user's tokens at a time by design."""
        return self.spec.single_user(_unwrapped(store))

    def concurrency(self, store: TokenStore) -> str:
        """The concurrency level ``store`` (as built here) declares, or its default."""
        return self.spec.concurrency(_unwrapped(store))

    def declares_concurrency(self, store: TokenStore) -> bool:
        """Whether ``store`` (as built here) declares its concurrency level itself."""
        return self.spec.declares_concurrency(_unwrapped(store))

    def clean_up(self) -> None:
        """Delete what the test wrote through every store it built, then run the factories' teardowns."""
        if self.owns_contents:
            for store, _ in reversed(self._built):
                empty_store(store)
        errors = []
        for _, built in reversed(self._built):
            try:
                built.close()
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
        self._built.clear()
        if errors:
            pytest.fail(f"the teardown of store factory {self.name!r} raised {errors[0]}", pytrace=False)


def _unwrapped(store: TokenStore) -> TokenStore:
    return store.wrapped if isinstance(store, TimedStore) else store
