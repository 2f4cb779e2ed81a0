"""The Redis reference store against a real redis-server: values, its keys and no others, the factory, the contract.

The server is $TOKENSTORE_REDIS_URL if set, else a redis-server started for the
session (the ``redis_url`` fixture in conftest.py). Processes and crashes are in
test_redis_processes.py.
"""

from __future__ import annotations

import uuid

import pytest
from support.redis_index import index_problems, keys_under, snapshot

from tokenstore_conformance.harness.clauses import CLAUSES
from tokenstore_conformance.records import make_token, record_of, records_of
from tokenstore_conformance.reference_stores.redis_store import (
    URL_VARIABLE,
    RedisTokenStore,
    from_env,
    shared_client,
)

HOSTILE = (
    "",
    "None",
    "nil",
    "-",
    "=",
    "=-",
    "O'Brien",
    'say "hi"',
    "C:\\tokens\\",
    "' or '1'='1",
    "*",
    "a?[bc]*\\",
    "100%_",
    " \t padded\nline ",
    "\x7f\x01",
    "Zoë 山田 ✓ 🚀",
    "é",
    "e\u0301",
    "İ",
    "ß",
    "x" * 2000,
    "é" * 2000,
    "🚀" * 2000,
)
FIELDS = ("user_name", "client_id", "client_secret", "refresh_token", "access_token", "grant_token")
FIELDS += ("expires_in", "redirect_url", "api_domain")


def test_every_value_comes_back_byte_exact_and_finds_only_its_own_record(redis_store):
    store = redis_store
    saved = []
    for value in HOSTILE:
        token = make_token(**dict.fromkeys(FIELDS, value))
        store.save_token(token)
        saved.append(token)
    assert records_of(store.get_tokens()) == records_of(saved)
    for token, value in zip(saved, HOSTILE, strict=False):
        assert record_of(store.find_token_by_id(token.get_id())) == record_of(token)
        # What Redis holds is the value itself, one hash field per column, the id beside them.
        stored = store.client.hgetall(store.record_key(token.get_id()))
        assert stored == {
            "id": token.get_id(),
            **{c: value for c in FIELDS if c != "expires_in"},
            "expiry_time": value,
        }
        if value:
            assert store.find_token(make_token(user_name=value)).get_id() == token.get_id()
    assert index_problems(store.client, store.prefix) == []


def test_none_the_empty_string_and_the_string_none_stay_apart_through_updates(redis_store):
    store = redis_store
    tokens = [
        make_token(user_name=f"u{n}@example.test", refresh_token=v) for n, v in enumerate((None, "", "None"))
    ]
    for token in tokens:
        store.save_token(token)
    for token in tokens:  # an update that leaves the refresh token None keeps what is stored
        store.save_token(make_token(user_name=record_of(token).user_name, access_token="new"))
    stored = {r.user_name: r.refresh_token for r in records_of(store.get_tokens())}
    assert stored == {"u0@example.test": None, "u1@example.test": "", "u2@example.test": "None"}
    assert "refresh_token" not in store.client.hgetall(store.record_key(tokens[0].get_id()))


def test_delete_tokens_removes_its_own_keys_and_touches_no_other(redis_url):
    client = shared_client(redis_url)
    base = f"tsc-foreign:{uuid.uuid4().hex}:"
    # Glob characters in the prefix: a delete by key pattern would match keys it must not touch.
    store = RedisTokenStore(client, prefix=f"{base}t[1]*?:")
    neighbours = [
        RedisTokenStore(client, prefix=f"{base}t[1]*?:x:"),
        RedisTokenStore(client, prefix=f"{base}t1:"),
    ]
    for n, neighbour in enumerate(neighbours):
        neighbour.save_token(make_token(user_name="shared@example.test", access_token=f"n{n}", id=f"id{n}"))
    client.set(f"{base}t1xrec:a", "a glob would match me")
    client.set(f"{base}t[1]*?", "the prefix without its colon", ex=3600)
    client.hset(f"{base}other:rec:1", mapping={"id": "1", "user_name": "shared@example.test"})
    client.rpush(f"{base}t[1]*?:list", "not written by the store")
    before = snapshot(client, base)

    store.save_token(make_token(user_name="shared@example.test", access_token="n0", id="id0"))
    store.save_token(
        make_token(user_name="mine@example.test", refresh_token="r", client_id="c", client_secret="s")
    )
    assert set(snapshot(client, base)) > set(before)
    store.delete_tokens()

    assert snapshot(client, base) == before
    assert client.ttl(f"{base}t[1]*?") > 0
    assert [len(n.get_tokens()) for n in neighbours] == [1, 1]
    for key in before:
        client.delete(key)


def test_from_env_builds_one_prefix_per_directory_and_deletes_its_keys_when_closed(
    redis_url, tmp_path, monkeypatch
):
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    with pytest.raises(RuntimeError, match=URL_VARIABLE) as unset:
        next(from_env(tmp_path))
    assert "\n" not in str(unset.value)
    monkeypatch.setenv(URL_VARIABLE, redis_url)
    first, second, other = from_env(tmp_path / "a"), from_env(tmp_path / "a"), from_env(tmp_path / "b")
    store, again, elsewhere = next(first), next(second), next(other)
    assert store.prefix == again.prefix != elsewhere.prefix
    assert store.client is again.client is elsewhere.client  # one pool per URL in the process
    token = make_token(user_name="a@example.test", access_token="acc")
    store.save_token(token)
    assert records_of(again.get_tokens()) == [record_of(token)]
    assert elsewhere.get_tokens() == []
    assert keys_under(store.client, store.prefix)
    first.close()
    assert keys_under(store.client, store.prefix) == set()
    second.close()
    other.close()


def test_bad_arguments_are_refused_with_one_line():
    with pytest.raises(ValueError, match="prefix must be a non-empty string"):
        RedisTokenStore("redis://localhost:6379/0", prefix="")
    with pytest.raises(TypeError, match="redis.Redis client or a redis:// URL"):
        RedisTokenStore(6379)


FACTORY = """
import os
from tokenstore_conformance.reference_stores.redis_store import RedisTokenStore, prefix_for, shared_client

def store(tmp_path):
    url = os.environ["TOKENSTORE_REDIS_URL"]
    return RedisTokenStore(shared_client(url), prefix=prefix_for(tmp_path, os.environ["REDIS_TEST_BASE"]))
"""


def test_the_redis_store_passes_every_clause_of_the_kit(run_kit, pytester, redis_url, monkeypatch):
    base = f"tsc-kit:{uuid.uuid4().hex}:"
    monkeypatch.setenv(URL_VARIABLE, redis_url)
    monkeypatch.setenv("REDIS_TEST_BASE", base)
    pytester.makepyfile(redis_factory=FACTORY)
    run = run_kit("--tokenstore=redis_factory:store")
    assert run.ret == 0, run
    verdicts = run.verdicts()
    assert set(CLAUSES) <= set(verdicts), run
    assert not run.failed_clauses(), run
    assert [verdicts[c] for c in ("INSTANCE-PERSIST", "LIFECYCLE", "FLOW-PERSIST")] == ["passed"] * 3, run
    # The kit emptied every store it built, and delete_tokens left no key behind.
    assert keys_under(shared_client(redis_url), base) == set()
