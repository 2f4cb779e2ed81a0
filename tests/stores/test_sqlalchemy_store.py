"""The SQLAlchemy store on real PostgreSQL and MariaDB servers: values, names, restarts, forks, factory.

Servers come from tests/support/servers.py: the environment's, or a set this test
process starts. Nothing here is skipped: a server that cannot start errors.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import stat
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from tokenstore_conformance.records import FIELD_NAMES, make_token, record_of, records_of
from tokenstore_conformance.reference_stores.sqlalchemy_store import (
    URL_VARIABLE,
    SQLAlchemyTokenStore,
    from_env,
    table_for,
)
from tokenstore_conformance.sdk import SDKException

HOSTILE = 'O\'Brien "q" C:\\x\\ 100% a_b ; DROP TABLE t; -- \t\n Zoë 山田 ✓ 🚀 e\u0301 \x7f '


def hostile(length: int, salt: str = "") -> str:
    return ((salt + HOSTILE) * (length // len(HOSTILE) + 1))[:length]


@pytest.fixture
def store(database_url: str) -> Iterator[SQLAlchemyTokenStore]:
    """A store on a table of its own, dropped after the test."""
    built = SQLAlchemyTokenStore(database_url, table=f"t_{secrets.token_hex(8)}")
    yield built
    built.drop_table()


def test_a_1000_character_hostile_user_name_and_2000_character_values_come_back_byte_exact(store):
    name = hostile(1000)
    values = {field: hostile(2000, salt=field) for field in FIELD_NAMES if field not in ("id", "user_name")}
    values["expires_in"] = "1767225600000"
    saved = make_token(user_name=name, **values)
    store.save_token(saved)
    expected = record_of(saved)
    assert len(name) == 1000
    assert "🚀" in name
    assert records_of(store.get_tokens()) == [expected]
    assert record_of(store.find_token(make_token(user_name=name))) == expected
    assert record_of(store.find_token_by_id(saved.get_id())) == expected
    assert isinstance(store.find_token_by_id(saved.get_id()).get_expires_in(), str)
    # Looked up by each token value as well (no user name, no client credentials: by access token).
    assert record_of(store.find_token(make_token(access_token=values["access_token"]))) == expected


def test_names_that_differ_only_in_case_accents_or_trailing_space_are_different_users(store):
    names = ["Alice", "alice", "ALICE", "Alice ", "straße", "strasse", "\u00e9", "e\u0301", "🚀", "🚁"]
    for n, name in enumerate(names):
        store.save_token(make_token(user_name=name, access_token=f"access-{n}"))
    assert len(store.get_tokens()) == len(names)
    for n, name in enumerate(names):
        assert store.find_token(make_token(user_name=name)).get_access_token() == f"access-{n}", name
    store.save_token(make_token(user_name="alice", access_token="again"))
    assert len(store.get_tokens()) == len(names)
    assert store.find_token(make_token(user_name="Alice")).get_access_token() == "access-0"


def test_empty_user_names_are_no_key_and_do_not_collide(store):
    store.save_token(make_token(user_name="", access_token="first"))
    store.save_token(make_token(user_name="", access_token="second"))
    assert sorted(t.get_access_token() for t in store.get_tokens()) == ["first", "second"]


def test_a_save_the_constraint_refuses_raises_without_putting_tokens_in_the_message(store):
    store.save_token(make_token(user_name="a@example.test", access_token="secret-access-a"))
    other = make_token(user_name="b@example.test", access_token="secret-access-b")
    store.save_token(other)
    # By id, giving b's record a's user name (IMPL-ID-USER-CONFLICT): refused by the unique constraint.
    with pytest.raises(SDKException) as raised:
        store.save_token(make_token(id=other.get_id(), user_name="a@example.test", access_token="secret-x"))
    assert isinstance(raised.value.cause, SQLAlchemyError)
    assert "secret-" not in str(raised.value)
    assert len(store.get_tokens()) == 2


def test_threads_sharing_one_store_lose_nothing_and_duplicate_nothing(store):
    errors: list[BaseException] = []

    def login(worker: int) -> None:
        try:
            for n in range(10):
                name = f"user{worker}-{n}@example.test"
                store.save_token(make_token(user_name=name, access_token=f"a{worker}-{n}"))
                store.save_token(make_token(user_name=name, access_token=f"b{worker}-{n}"))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=login, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(t.get_access_token() for t in store.get_tokens()) == sorted(
        f"b{w}-{n}" for w in range(4) for n in range(10)
    )


def _session_id(store: SQLAlchemyTokenStore) -> int:
    """The server's id of the connection the store's pool hands out."""
    dialect = store.engine.dialect.name
    function = func.pg_backend_pid() if dialect == "postgresql" else func.connection_id()
    with store.engine.connect() as connection:
        return int(connection.execute(select(function)).scalar())


def _use_after_fork(store: SQLAlchemyTokenStore, queue) -> None:
    try:
        store.save_token(make_token(user_name="child@example.test", access_token="from-child"))
        queue.put(_session_id(store))
    except BaseException as exc:
        queue.put(repr(exc))


def test_a_forked_child_uses_connections_of_its_own_and_the_parent_keeps_working(database_url):
    # A pool of one connection, so the parent's session is the same on every call.
    engine = create_engine(database_url, pool_pre_ping=True, pool_size=1, max_overflow=0)
    store = SQLAlchemyTokenStore(engine, table=f"t_{secrets.token_hex(8)}")
    try:
        _fork_and_compare_sessions(store)
    finally:
        store.drop_table()
        engine.dispose()


def _fork_and_compare_sessions(store: SQLAlchemyTokenStore) -> None:
    store.save_token(make_token(user_name="parent@example.test", access_token="from-parent"))
    parent_session = _session_id(store)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_use_after_fork, args=(store, queue))
    child.start()
    try:
        child_session = queue.get(timeout=60)
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
            child.join()
    assert isinstance(child_session, int), child_session
    assert child_session != parent_session
    assert child.exitcode == 0
    assert _session_id(store) == parent_session  # the parent's pooled connection survived the child
    assert {t.get_access_token() for t in store.get_tokens()} == {"from-parent", "from-child"}


def test_stores_over_one_url_share_one_engine(database_url):
    first = SQLAlchemyTokenStore(database_url, table=f"t_{secrets.token_hex(8)}")
    second = SQLAlchemyTokenStore(database_url, table=f"t_{secrets.token_hex(8)}")
    try:
        assert first.engine is second.engine
    finally:
        first.drop_table()
        second.drop_table()


def test_a_restart_between_calls_is_invisible(own_dbservers, backend):
    store = SQLAlchemyTokenStore(own_dbservers.url(backend), table=f"t_{secrets.token_hex(8)}")
    try:
        store.save_token(make_token(user_name="u@example.test", access_token="before"))
        own_dbservers.stop_server(backend)
        own_dbservers.start_server(backend)
        # The pooled connection died with the server; pool_pre_ping replaces it unnoticed.
        assert store.find_token(make_token(user_name="u@example.test")).get_access_token() == "before"
    finally:
        store.drop_table()


def test_while_the_server_is_down_every_call_raises_and_afterwards_the_same_store_works(
    own_dbservers, backend
):
    url, table = own_dbservers.url(backend), f"t_{secrets.token_hex(8)}"
    store = SQLAlchemyTokenStore(url, table=table)
    saved = make_token(user_name="u@example.test", access_token="before", expires_in="1767225600000")
    store.save_token(saved)
    calls = {
        "find_token": lambda: store.find_token(make_token(user_name="u@example.test")),
        "find_token_by_id": lambda: store.find_token_by_id(saved.get_id()),
        "get_tokens": store.get_tokens,
        "save_token": lambda: store.save_token(make_token(user_name="v@example.test", access_token="x")),
        "delete_token": lambda: store.delete_token(saved.get_id()),
        "delete_tokens": store.delete_tokens,
        "a new store": lambda: SQLAlchemyTokenStore(url, table=table),
    }
    own_dbservers.stop_server(backend)
    try:
        for name, call in calls.items():
            with pytest.raises(SDKException) as raised:
                call()
            assert isinstance(raised.value.cause, SQLAlchemyError), name
    finally:
        own_dbservers.start_server(backend)
    try:
        assert records_of(store.get_tokens()) == [record_of(saved)]
        store.save_token(make_token(user_name="u@example.test", access_token="after"))
        assert store.find_token_by_id(saved.get_id()).get_access_token() == "after"
    finally:
        store.drop_table()


def test_from_env_needs_the_variable_and_says_so_in_one_line(monkeypatch, tmp_path):
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    with pytest.raises(RuntimeError, match=URL_VARIABLE) as raised:
        next(from_env(tmp_path))
    assert "\n" not in str(raised.value)


def test_from_env_gives_each_directory_its_table_and_drops_it_at_close(dbservers, monkeypatch, tmp_path):
    monkeypatch.setenv(URL_VARIABLE, dbservers.url("postgres"))
    first_build = from_env(tmp_path)
    store = next(first_build)
    store.save_token(make_token(user_name="u@example.test", access_token="kept"))
    second_build = from_env(tmp_path)
    assert next(second_build).find_token(make_token(user_name="u@example.test")).get_access_token() == "kept"
    other_build = from_env(tmp_path / "other")
    assert next(other_build).get_tokens() == []
    assert table_for(tmp_path) == store.table.name != table_for(tmp_path / "other")
    for build in (first_build, second_build, other_build):
        build.close()
    with store.engine.connect() as connection:
        assert not inspect(connection).has_table(store.table.name)
        assert not inspect(connection).has_table(table_for(tmp_path / "other"))


@pytest.mark.parametrize("table", ["bad-name", "1starts_with_digit", "x" * 41, ""])
def test_a_table_name_that_is_not_a_plain_identifier_is_refused(table, tmp_path):
    with pytest.raises(ValueError, match="table name"):
        SQLAlchemyTokenStore(f"sqlite:///{tmp_path}/tokens.db", table=table)


def test_an_sqlite_file_is_created_owner_only_and_memory_is_refused(tmp_path):
    previous = os.umask(0o022)
    try:
        store = SQLAlchemyTokenStore(f"sqlite:///{tmp_path}/tokens.db")
    finally:
        os.umask(previous)
    store.save_token(make_token(user_name="u@example.test", access_token="a"))
    assert stat.S_IMODE((tmp_path / "tokens.db").stat().st_mode) == 0o600
    with pytest.raises(ValueError, match="memory"):
        SQLAlchemyTokenStore("sqlite://")
