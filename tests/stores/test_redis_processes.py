"""The Redis store under processes and crashes: saves from forked processes at once, a server killed mid-run.

Every process test is bounded in time and reaps its children; a run is exact:
a correct store passes every time, and the store that looks up outside the
script fails every time.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
import uuid
from collections.abc import Callable

import pytest
import redis
from support.redis_index import index_problems
from support.redis_server import RedisServer, RedisServerError

from tokenstore_conformance.records import make_token, record_of, records_of
from tokenstore_conformance.reference_stores.records import new_id, row_from_token
from tokenstore_conformance.reference_stores.redis_store import RedisTokenStore, _optional, shared_client
from tokenstore_conformance.sdk import SDKException

WORKERS = 8
ROUNDS = 4


def test_the_index_check_notices_a_broken_layout(redis_store):
    """The invariant the process test relies on must fail on each kind of damage it claims to catch."""
    store = redis_store
    token = make_token(user_name="a@example.test", access_token="acc", refresh_token="ref")
    store.save_token(token)
    assert index_problems(store.client, store.prefix) == []
    client, prefix, rid = store.client, store.prefix, token.get_id()
    damage: list[tuple[Callable[[], object], Callable[[], object]]] = [
        (
            lambda: client.hset(f"{prefix}rec:twin", mapping={"id": "twin", "user_name": "a@example.test"}),
            lambda: client.delete(f"{prefix}rec:twin"),
        ),
        (
            lambda: client.hset(store.record_key(rid), "access_token", "changed"),
            lambda: client.hset(store.record_key(rid), "access_token", "acc"),
        ),
        (lambda: client.sadd(f"{prefix}ids", "ghost"), lambda: client.srem(f"{prefix}ids", "ghost")),
        (lambda: client.srem(f"{prefix}ids", rid), lambda: client.sadd(f"{prefix}ids", rid)),
    ]
    for do, undo in damage:
        do()
        assert index_problems(client, prefix) != []
        undo()
        assert index_problems(client, prefix) == []


def _save_together(store: RedisTokenStore, barrier, values: dict[str, str]) -> None:
    barrier.wait(timeout=30)
    store.save_token(make_token(**values))


def _at_once(store: RedisTokenStore, tokens: list[dict[str, str]]) -> None:
    """Save one token per forked process, all released by one barrier; bounded in time, every child reaped."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(tokens))
    processes = [context.Process(target=_save_together, args=(store, barrier, t)) for t in tokens]
    for process in processes:
        process.start()
    deadline = time.monotonic() + 60
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(timeout=10)
    assert [p.exitcode for p in processes] == [0] * len(processes)


@pytest.mark.parametrize("key", ["user_name", "grant_token"])
def test_processes_saving_one_new_token_at_once_leave_one_record_and_a_consistent_index(redis_store, key):
    store = redis_store
    store.get_tokens()  # the pool holds an open connection before the fork: children must not share it
    client = {"client_id": "1000.CLIENT", "client_secret": "secret"}
    for round_ in range(ROUNDS):
        shared = {key: f"{key}-{round_}@example.test"}
        logins = [
            {
                **client,
                **shared,
                "access_token": f"a{round_}-{w}",
                "refresh_token": f"r{round_}-{w}",
                "expires_in": str(1767225600000 + w),
                "api_domain": f"https://{w}.example.test",
            }
            | ({"grant_token": f"g{round_}-{w}"} if key != "grant_token" else {})
            for w in range(WORKERS)
        ]
        _at_once(store, logins)
        mine = [r for r in records_of(store.get_tokens()) if getattr(r, key) == shared[key]]
        assert len(mine) == 1, mine
        assert mine[0].replace(id=None) in [make_record(v) for v in logins]
        # Now every process refreshes the access token of that one record, again at once.
        refreshes = [{**client, **shared, "access_token": f"b{round_}-{w}"} for w in range(WORKERS)]
        _at_once(store, refreshes)
        after = [r for r in records_of(store.get_tokens()) if getattr(r, key) == shared[key]]
        assert [r.id for r in after] == [mine[0].id]
        assert after[0].access_token in {f"b{round_}-{w}" for w in range(WORKERS)}
        assert after[0].refresh_token == mine[0].refresh_token
        assert index_problems(store.client, store.prefix) == []
    assert len(store.get_tokens()) == ROUNDS  # the parent's instance still works after the forks


class LookupOutsideTheScript(RedisTokenStore):
    """Looks up in one step and inserts in another: the interleaving the save script rules out.

    Every process waits until all have looked up before any inserts, so the
    race happens on every run instead of by chance.
    """

    all_looked_up = None

    def save_token(self, token):
        if self._script("find a token", self._find, *self._key_args(token)):
            return super().save_token(token)
        self.all_looked_up.wait(timeout=30)
        values = [_optional(value) for value in row_from_token(token)[1:]]
        self._script("insert a token", self._save, _optional(None), "", _optional(None), new_id(), *values)


def test_the_process_test_sees_the_race_a_lookup_outside_the_script_loses(redis_url):
    store = LookupOutsideTheScript(shared_client(redis_url), prefix=f"tsc-test:{uuid.uuid4().hex}:")
    store.all_looked_up = multiprocessing.get_context("fork").Barrier(WORKERS)
    try:
        logins = [
            {"client_id": "c", "client_secret": "s", "grant_token": "g", "access_token": f"a{w}"}
            for w in range(WORKERS)
        ]
        _at_once(store, logins)
        assert len([r for r in records_of(store.get_tokens()) if r.grant_token == "g"]) == WORKERS
    finally:
        store.delete_tokens()


def make_record(values: dict[str, str]):
    return record_of(make_token(**values))


def test_calls_raise_sdkexception_while_redis_is_down_and_the_same_instance_recovers():
    # Append-only file, fsync on every write: what was acknowledged survives a crash.
    server = RedisServer("--appendonly", "yes", "--appendfsync", "always")
    try:
        server.start()
    except RedisServerError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        store = RedisTokenStore(server.url, prefix="restart:")
        saved = make_token(user_name="a@example.test", access_token="acc", refresh_token="ref")
        store.save_token(saved)
        server.stop(signal.SIGKILL)
        calls = {
            "save_token": lambda: store.save_token(make_token(user_name="b@example.test", access_token="b")),
            "find_token": lambda: store.find_token(make_token(user_name="a@example.test")),
            "find_token_by_id": lambda: store.find_token_by_id(saved.get_id()),
            "get_tokens": store.get_tokens,
            "delete_token": lambda: store.delete_token(saved.get_id()),
            "delete_tokens": store.delete_tokens,
        }
        for name, call in calls.items():
            started = time.monotonic()
            with pytest.raises(SDKException) as raised:
                call()
            assert isinstance(raised.value.cause, redis.ConnectionError), name
            assert time.monotonic() - started < 15, name
        server.start()
        assert records_of(store.get_tokens()) == [record_of(saved)]
        found = store.find_token(make_token(user_name="a@example.test"))
        assert record_of(found) == record_of(saved)
        store.save_token(make_token(user_name="a@example.test", access_token="acc2"))
        assert store.find_token_by_id(saved.get_id()).get_access_token() == "acc2"
        assert index_problems(store.client, store.prefix) == []
    finally:
        server.close()
