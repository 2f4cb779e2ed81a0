"""Per-operation latency of the Redis store next to the SQLite file store, 1,000 tokens each.

    python tools/bench_redis_latency.py [--tokens 1000] [--calls 1000]

Starts a private redis-server twice (Unix socket, then TCP on 127.0.0.1) unless
TOKENSTORE_REDIS_URL names one, fills each store with the same tokens and
times single calls: find_token by user name, find_token_by_id, and save_token
updating a user's access token. Prints medians and 95th percentiles as a
Markdown table. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import redis  # noqa: E402
from support.redis_server import RedisServer  # noqa: E402

from tokenstore_conformance.records import make_token  # noqa: E402
from tokenstore_conformance.reference_stores.redis_store import URL_VARIABLE, RedisTokenStore  # noqa: E402
from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore  # noqa: E402

OPERATIONS = ("find by user name", "find by id", "update")


def fill(store, tokens: int) -> list[str]:
    ids = []
    for n in range(tokens):
        token = make_token(
            user_name=f"user{n}@example.test",
            client_id="1000.CLIENT",
            client_secret="secret",
            grant_token=f"1000.grant{n}",
            refresh_token=f"1000.refresh{n}",
            access_token=f"1000.access{n}",
            expires_in=str(1767225600000 + n),
            redirect_url="https://example.test/callback",
            api_domain="https://www.zohoapis.com",
        )
        store.save_token(token)
        ids.append(token.get_id())
    return ids


def timed(calls: list[Callable[[], object]]) -> list[float]:
    """Microseconds of each call, after ten untimed calls to warm caches and connections."""
    for call in calls[:10]:
        call()
    samples = []
    for call in calls:
        start = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def measure(store, tokens: int, count: int) -> dict[str, list[float]]:
    ids = fill(store, tokens)
    users = [n % tokens for n in range(count)]
    # Query tokens are built before timing: find_token fills the object it is given.
    by_user = [make_token(user_name=f"user{n}@example.test") for n in users]
    updates = [
        make_token(user_name=f"user{n}@example.test", access_token=f"1000.new{i}")
        for i, n in enumerate(users)
    ]
    return {
        "find by user name": timed([lambda t=t: store.find_token(t) for t in by_user]),
        "find by id": timed([lambda i=ids[n]: store.find_token_by_id(i) for n in users]),
        "update": timed([lambda t=t: store.save_token(t) for t in updates]),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_results(tokens: int, count: int) -> dict[str, dict[str, list[float]]]:
    if os.environ.get(URL_VARIABLE):
        return {
            f"Redis ({os.environ[URL_VARIABLE].split(':')[0]})": redis_run(
                os.environ[URL_VARIABLE], tokens, count
            )
        }
    results = {}
    for label, options in (
        ("Redis, Unix socket", ()),
        ("Redis, TCP 127.0.0.1", ("--port", str(free_port()), "--bind", "127.0.0.1")),
    ):
        server = RedisServer(*options).start()
        try:
            url = server.url if not options else f"redis://127.0.0.1:{options[1]}/0"
            results[label] = redis_run(url, tokens, count)
        finally:
            server.close()
    return results


def redis_run(url: str, tokens: int, count: int) -> dict[str, list[float]]:
    store = RedisTokenStore(
        redis.Redis.from_url(url, decode_responses=True), prefix=f"bench:{uuid.uuid4().hex}:"
    )
    try:
        return measure(store, tokens, count)
    finally:
        store.delete_tokens()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    results = redis_results(args.tokens, args.calls)
    with tempfile.TemporaryDirectory() as directory:
        results["SQLite file"] = measure(
            SQLiteTokenStore(Path(directory, "tokens.db")), args.tokens, args.calls
        )
    print(
        f"{args.tokens} tokens, {args.calls} calls per operation, Python {platform.python_version()}, "
        f"redis-py {redis.__version__}, SQLite {__import__('sqlite3').sqlite_version}"
    )
    print("| store | " + " | ".join(f"{op} (median / p95, µs)" for op in OPERATIONS) + " |")
    print("| --- |" + " --- |" * len(OPERATIONS))
    for label, samples in results.items():
        cells = []
        for op in OPERATIONS:
            values = sorted(samples[op])
            cells.append(f"{statistics.median(values):.0f} / {values[int(len(values) * 0.95)]:.0f}")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
