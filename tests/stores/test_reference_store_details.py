"""Properties of the reference stores that the contract does not cover: files, threads, reopening."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from tokenstore_conformance.records import make_token, record_of, records_of
from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.memory_store import InMemoryTokenStore
from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore


def test_the_database_file_is_created_owner_only(tmp_path):
    previous = os.umask(0o022)
    try:
        SQLiteTokenStore(tmp_path / "tokens.db")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "tokens.db").stat().st_mode) == 0o600


def test_reopening_an_existing_file_keeps_its_tokens(tmp_path):
    token = make_token(user_name="a@example.test", access_token="acc", expires_in="1767225600000")
    SQLiteTokenStore(tmp_path / "tokens.db").save_token(token)
    reopened = SQLiteTokenStore(tmp_path / "tokens.db")
    assert records_of(reopened.get_tokens()) == [record_of(token)]


@pytest.mark.parametrize(
    "build",
    [InMemoryTokenStore, ListTokenStore, lambda: SQLiteTokenStore("threads.db")],
    ids=["memory", "list", "sqlite-file"],
)
def test_threads_saving_at_once_lose_nothing_and_duplicate_nothing(build, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = build()
    errors: list[BaseException] = []

    def login(worker: int) -> None:
        try:
            for n in range(25):
                name = f"user{worker}-{n}@example.test"
                store.save_token(make_token(user_name=name, access_token=f"a{worker}-{n}"))
                # The same user again, as a refresh would: must update, not insert.
                store.save_token(make_token(user_name=name, access_token=f"b{worker}-{n}"))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=login, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    tokens = store.get_tokens()
    assert len(tokens) == 150
    assert len({t.get_id() for t in tokens}) == 150
    assert all(t.get_access_token().startswith("b") for t in tokens)


def test_a_second_record_for_one_user_name_is_refused():
    from tokenstore_conformance.sdk import SDKException

    for store in (ListTokenStore(), InMemoryTokenStore()):
        store.save_token(make_token(user_name="a@example.test", access_token="a", id="1"))
        store.save_token(make_token(user_name="b@example.test", access_token="b", id="2"))
        with pytest.raises(SDKException):
            store.save_token(make_token(id="2", user_name="a@example.test", access_token="b2"))
        assert {r.user_name for r in records_of(store.get_tokens())} == {"a@example.test", "b@example.test"}
