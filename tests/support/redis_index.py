"""Reading a Redis store's keys from outside: the tests' view of the layout in tokenstore_conformance.reference_stores.redis_scripts.

SCAN over the whole database is fine here, in tests; the store itself never
scans (it finds its keys through its id set).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import redis

INDEXED = ("user_name", "access_token", "grant_token", "refresh_token")


def glob_escape(text: str) -> str:
    """``text`` as a literal in a Redis MATCH pattern."""
    return re.sub(r"([\\*?\[\]])", r"\\\1", text)


def keys_under(client: redis.Redis, prefix: str) -> set[str]:
    return {_text(k) for k in client.scan_iter(match=glob_escape(prefix) + "*", count=1000)}


def snapshot(client: redis.Redis, prefix: str) -> dict[str, bytes]:
    """Every key under ``prefix`` with its serialised value, to compare before and after."""
    return {key: client.dump(key) for key in keys_under(client, prefix)}


def index_key(prefix: str, column: str, value: str) -> str:
    return f"{prefix}by:{column}:{hashlib.sha1(value.encode('utf-8')).hexdigest()}"


def index_problems(client: redis.Redis, prefix: str) -> list[str]:
    """Everything wrong with a store's keys; [] when records, id set and index sets agree exactly.

    Every index entry points at an existing record that holds that value; every
    record's indexed values are in their index; the id set names exactly the
    records; no two records share a user name. Keys of a store whose prefix
    extends this one (``prefix + "x:"``) are not this store's and are left out.
    """
    problems: list[str] = []
    keys = keys_under(client, prefix)
    ids = {_text(i) for i in client.smembers(f"{prefix}ids")}
    records = {k[len(prefix) + 4 :]: _fields(client, k) for k in keys if k.startswith(f"{prefix}rec:")}
    indexes = [k for k in keys if k.startswith(f"{prefix}by:")]
    for rid, fields in records.items():
        if fields.get("id") != rid:
            problems.append(f"record {rid!r} holds the id {fields.get('id')!r}")
        for column in INDEXED:
            value = fields.get(column)
            if value is not None and rid not in _members(client, index_key(prefix, column, value)):
                problems.append(f"record {rid!r}: its {column} is missing from the index")
    problems += [f"the id set names {rid!r}, which has no record" for rid in ids - set(records)]
    problems += [f"record {rid!r} is missing from the id set" for rid in set(records) - ids]
    for key in indexes:
        column, _, digest = key[len(prefix) + 3 :].rpartition(":")
        for rid in _members(client, key):
            value = records.get(rid, {}).get(column)
            if value is None or index_key(prefix, column, value) != key:
                problems.append(f"{key} points at {rid!r}, which does not hold a {column} with that digest")
    names = Counter(f["user_name"] for f in records.values() if "user_name" in f)
    problems += [f"{n} records have the user name {name!r}" for name, n in names.items() if n > 1]
    return problems


def _fields(client: redis.Redis, key: str) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in client.hgetall(key).items()}


def _members(client: redis.Redis, key: str) -> set[str]:
    return {_text(m) for m in client.smembers(key)}


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
