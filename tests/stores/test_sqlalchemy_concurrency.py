"""Processes racing on one table of a real server: the result is checked exactly, every round.

Each round forks its processes, lines them up at a barrier (each already
connected, so they really write at the same moment) and reaps them all,
killing any that outlive the time limit.
"""

from __future__ import annotations

import multiprocessing
import secrets
import time

import pytest
from sqlalchemy import create_engine

from tokenstore_conformance.records import make_token
from tokenstore_conformance.reference_stores.sqlalchemy_store import SQLAlchemyTokenStore

ROUNDS = 5
TIME_LIMIT = 60.0
CLIENT = {
    "client_id": "1000.client",
    "client_secret": "secret",
    "redirect_url": "https://app.example.test/cb",
}


def _report(queue, index: int, target, args) -> None:
    try:
        target(*args)
        queue.put((index, "ok"))
    except BaseException as exc:
        queue.put((index, repr(exc)))


def run_at_once(target, argument_lists: list[tuple]) -> list[str]:
    """Run target(*args) in one forked process per argument list; each outcome is 'ok' or the error."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [
        context.Process(target=_report, args=(queue, index, target, args))
        for index, args in enumerate(argument_lists)
    ]
    for process in processes:
        process.start()
    deadline = time.monotonic() + TIME_LIMIT
    outcomes: dict[int, str] = {}
    try:
        while len(outcomes) < len(processes):
            index, outcome = queue.get(timeout=max(0.1, deadline - time.monotonic()))
            outcomes[index] = outcome
    finally:
        for process in processes:
            process.join(timeout=max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
    return [outcomes[index] for index in range(len(processes))]


def _save_when_all_are_ready(url: str, table: str, barrier, values: dict) -> None:
    """A worker with an engine of its own: connect, wait for the others, save."""
    engine = create_engine(url, pool_pre_ping=True)
    try:
        store = SQLAlchemyTokenStore(engine, table=table)
        store.get_tokens()
        barrier.wait(timeout=30)
        store.save_token(make_token(**values))
    finally:
        engine.dispose()


def _open_when_all_are_ready(url: str, table: str, barrier) -> None:
    barrier.wait(timeout=30)
    SQLAlchemyTokenStore(url, table=table)


def _race(url: str, workers: list[dict]) -> SQLAlchemyTokenStore:
    store = SQLAlchemyTokenStore(url, table=f"t_{secrets.token_hex(8)}")
    barrier = multiprocessing.get_context("fork").Barrier(len(workers))
    try:
        outcomes = run_at_once(
            _save_when_all_are_ready, [(url, store.table.name, barrier, w) for w in workers]
        )
        assert outcomes == ["ok"] * len(workers)
    except BaseException:
        store.drop_table()
        raise
    return store


def test_two_processes_saving_the_same_new_user_leave_one_record(database_url):
    for round_ in range(ROUNDS):
        workers = [
            {"user_name": "racer@example.test", "access_token": f"access-{n}", **CLIENT} for n in (0, 1)
        ]
        store = _race(database_url, workers)
        try:
            tokens = store.get_tokens()
            assert len(tokens) == 1, f"round {round_}: {len(tokens)} records for one user"
            assert tokens[0].get_access_token() in ("access-0", "access-1")
        finally:
            store.drop_table()


KEYED_BY = {
    "access": lambda n: {"access_token": "1000.shared-access", "expires_in": f"17672256{n:05d}"},
    "grant": lambda n: {"grant_token": "1000.shared-grant", "access_token": f"access-{n}", **CLIENT},
    "refresh": lambda n: {"refresh_token": "1000.shared-refresh", "access_token": f"access-{n}", **CLIENT},
}


@pytest.mark.parametrize("key", list(KEYED_BY))
def test_two_processes_saving_the_same_new_token_without_user_name_leave_one_record(database_url, key):
    # No unique constraint can cover token values; the store's per-key lock serialises first saves.
    for round_ in range(ROUNDS):
        store = _race(database_url, [KEYED_BY[key](n) for n in (0, 1)])
        try:
            assert len(store.get_tokens()) == 1, f"round {round_}: a {key} token saved twice"
        finally:
            store.drop_table()


def test_processes_creating_one_table_at_once_all_succeed(database_url):
    for _ in range(3):
        table = f"t_{secrets.token_hex(8)}"
        barrier = multiprocessing.get_context("fork").Barrier(4)
        outcomes = run_at_once(_open_when_all_are_ready, [(database_url, table, barrier)] * 4)
        store = SQLAlchemyTokenStore(database_url, table=table)
        try:
            assert outcomes == ["ok"] * 4
            store.save_token(make_token(user_name="u@example.test", access_token="a"))
            store.save_token(make_token(user_name="u@example.test", access_token="b"))
            assert [t.get_access_token() for t in store.get_tokens()] == ["b"]
        finally:
            store.drop_table()


def test_many_processes_updating_many_users_lose_no_user_and_duplicate_none(database_url):
    workers = [
        {"user_name": f"user{n % 4}@example.test", "access_token": f"access-{n}", "refresh_token": f"r{n}"}
        for n in range(8)
    ]
    store = _race(database_url, workers)
    try:
        tokens = store.get_tokens()
        assert sorted(t.get_user_signature().get_name() for t in tokens) == [
            f"user{n}@example.test" for n in range(4)
        ]
        for token in tokens:
            n = int(token.get_access_token().split("-")[1])
            # Each record holds one writer's whole token: the fields of one save are never mixed.
            assert token.get_refresh_token() == f"r{n}"
            assert token.get_user_signature().get_name() == f"user{n % 4}@example.test"
    finally:
        store.drop_table()
