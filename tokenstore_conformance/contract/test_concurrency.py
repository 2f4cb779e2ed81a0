"""Concurrency: threads and processes sharing one store, and a process killed while it saves.

Every test hands its clause to the concurrency engine, which runs it in worker
processes that build their own stores from the SPEC; no store call of these
tests happens in pytest's process, so a store that crashes or hangs under load
fails its clause and the run goes on. The store in ``token_store`` is the
kit's usual guard: it checks that the storage starts empty and empties it
afterwards. Which clauses apply depends on the store's declared
``tokenstore_concurrency`` ("none", "threads", the default, or "processes").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tokenstore_conformance.concurrency import Target, applicable, declared_level, run_check, shutdown

clause = pytest.mark.clause


@pytest.fixture(scope="session")
def concurrency_launcher() -> Iterator[None]:
    """The engine starts one launcher process per session; it ends with the session."""
    yield
    shutdown()


@pytest.fixture
def concurrency(token_store, store_factory, store_spec, concurrency_launcher) -> Callable[[str], None]:
    """Run one concurrency clause on the store under test; skip it if the store's declarations exclude it."""

    def run(clause_id: str) -> None:
        try:
            declared = declared_level(token_store, getattr(store_spec, "target", None))
        except ValueError as exc:
            pytest.fail(str(exc), pytrace=False)
        reason = applicable(clause_id, declared, store_factory.persistent(token_store))
        if reason:
            pytest.skip(reason)
        name = getattr(store_spec, "name", None) or store_spec.spec
        outcome = run_check(clause_id, Target(name, store_spec.timeout, str(store_factory.tmp_path())))
        if not outcome.passed:
            pytest.fail(outcome.message, pytrace=False)

    return run


@clause("CONC-THREADS-DISTINCT")
def test_threads_saving_distinct_users_lose_nothing(concurrency):
    concurrency("CONC-THREADS-DISTINCT")


@clause("CONC-THREADS-SAME-USER")
def test_threads_saving_one_user_leave_one_whole_record(concurrency):
    concurrency("CONC-THREADS-SAME-USER")


@clause("CONC-THREADS-READ")
def test_lookups_during_updates_by_threads_see_whole_records(concurrency):
    concurrency("CONC-THREADS-READ")


@clause("CONC-PROC-DISTINCT")
def test_processes_saving_distinct_users_lose_nothing(concurrency):
    concurrency("CONC-PROC-DISTINCT")


@clause("CONC-PROC-SAME-USER")
def test_processes_saving_one_user_leave_one_whole_record(concurrency):
    concurrency("CONC-PROC-SAME-USER")


@clause("CONC-PROC-READ")
def test_lookups_during_updates_by_processes_see_whole_records(concurrency):
    concurrency("CONC-PROC-READ")


@clause("CONC-PROC-UPDATE")
def test_processes_updating_different_fields_keep_both_updates(concurrency):
    concurrency("CONC-PROC-UPDATE")


@clause("CONC-PROC-VISIBLE")
def test_an_instance_sees_what_another_process_saved_since_it_was_built(concurrency):
    concurrency("CONC-PROC-VISIBLE")


@clause("CRASH-DURABLE")
def test_a_process_killed_while_saving_leaves_every_returned_save_whole(concurrency):
    concurrency("CRASH-DURABLE")
