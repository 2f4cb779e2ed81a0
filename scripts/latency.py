"""Per-operation latency of the reference stores: SQLite file vs. the SQLAlchemy store over loopback.

    scripts/dbservers start /tmp/db && . /tmp/db/env && python scripts/latency.py

Each store is filled with 1,000 users' tokens; then, for a random user each
time, a lookup by user name, a lookup by id and an update (a refresh: new
access token and expiry saved by user name) are timed, interleaved, many
times. Medians and 90th percentiles are printed in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tokenstore_conformance.records import make_token  # noqa: E402
from tokenstore_conformance.reference_stores.sqlalchemy_store import SQLAlchemyTokenStore  # noqa: E402
from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore  # noqa: E402

CLIENT = {
    "client_id": "1000.CLIENT",
    "client_secret": "secret",
    "redirect_url": "https://app.example.test/cb",
}
SERVERS = {"postgres": "TOKENSTORE_POSTGRES_URL", "mariadb": "TOKENSTORE_MARIADB_URL"}


def user_token(i: int, refresh: int = 0):
    return make_token(
        user_name=f"user{i}@example.test:4150868",
        access_token=f"1000.access.{i}.{refresh}.{'x' * 48}",
        refresh_token=f"1000.refresh.{i}.{'y' * 48}",
        expires_in=str(1767225600000 + refresh),
        api_domain="https://www.zohoapis.com",
        **CLIENT,
    )


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def measure(store, tokens: int, repetitions: int, seed: int) -> dict[str, list[float]]:
    store.delete_tokens()
    samples: dict[str, list[float]] = {"insert": [], "find by user name": [], "find by id": [], "update": []}
    ids = []
    for i in range(tokens):
        token = user_token(i)
        samples["insert"].append(timed(lambda token=token: store.save_token(token)))
        ids.append(token.get_id())
    rng = random.Random(seed)
    for n in range(repetitions):
        i = rng.randrange(tokens)
        probe, update = make_token(user_name=f"user{i}@example.test:4150868"), user_token(i, refresh=n + 1)
        samples["find by user name"].append(timed(lambda probe=probe: store.find_token(probe)))
        samples["find by id"].append(timed(lambda i=i: store.find_token_by_id(ids[i])))
        samples["update"].append(timed(lambda update=update: store.save_token(update)))
    if len(store.get_tokens()) != tokens:
        raise SystemExit(
            "latency: the store does not hold one record per user; the figures would mean nothing"
        )
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=1000)
    parser.add_argument("--repetitions", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    missing = [variable for variable in SERVERS.values() if not os.environ.get(variable)]
    if missing:
        raise SystemExit(
            f"latency: {' and '.join(missing)} not set; run scripts/dbservers start DIR and . DIR/env"
        )
    with tempfile.TemporaryDirectory() as scratch:
        stores = {"sqlite_store (file)": SQLiteTokenStore(Path(scratch, "tokens.db"))}
        stores["sqlalchemy sqlite"] = SQLAlchemyTokenStore(f"sqlite:///{scratch}/sa.db", table="latency")
        for name, variable in SERVERS.items():
            stores[f"sqlalchemy {name}"] = SQLAlchemyTokenStore(os.environ[variable], table="latency")
        operations = ["insert", "find by user name", "find by id", "update"]
        print(f"{args.tokens} tokens, {args.repetitions} repetitions; median / p90 in ms")
        print(f"{'store':<22}" + "".join(f"{op:>22}" for op in operations))
        for name, store in stores.items():
            samples = measure(store, args.tokens, args.repetitions, args.seed)
            cells = []
            for op in operations:
                values = samples[op]
                p90 = statistics.quantiles(values, n=10)[-1]
                cells.append(f"{statistics.median(values):.3f} / {p90:.3f}")
            print(f"{name:<22}" + "".join(f"{cell:>22}" for cell in cells), flush=True)
            if isinstance(store, SQLAlchemyTokenStore):
                store.drop_table()


if __name__ == "__main__":
    main()
