#!/usr/bin/env python3
"""Regenerate docs/compatibility.md from real runs: the kit on every store of the table, then ``report``.

    python scripts/compat.py [--out DIR] [--in-process] [--check] [--jobs N]

Each store runs in a child ``python -m tokenstore_conformance check SPEC`` with
``--tokenstore-report``, from a temporary directory, so the kit and the stores
are imported from the installed copy. The server stores need
TOKENSTORE_POSTGRES_URL, TOKENSTORE_MARIADB_URL and TOKENSTORE_REDIS_URL (from
``scripts/dbservers start DIR; . DIR/env``); when one is missing the script
starts the servers with scripts/dbservers, as CI does, and stops them at the
end. ``tox -e compat`` runs this script; tests/project/test_compatibility.py runs the
in-process stores through it and checks that the page shows their rows.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "compatibility.md"
DBSERVERS = ROOT / "scripts" / "dbservers"
SERVER_URLS = {
    "postgres": "TOKENSTORE_POSTGRES_URL",
    "mariadb": "TOKENSTORE_MARIADB_URL",
    "redis": "TOKENSTORE_REDIS_URL",
}


@dataclass(frozen=True)
class Store:
    name: str  # the report's file name
    label: str  # the row's name on the page
    spec: str
    server: str | None = None  # the database server it needs, a key of SERVER_URLS

    def env(self, urls: dict[str, str]) -> dict[str, str]:
        """The child's environment: the server's URL where the store's factory reads it."""
        env = {k: v for k, v in os.environ.items() if k != "TOKENSTORE"}
        if self.server in ("postgres", "mariadb"):
            env["TOKENSTORE_DATABASE_URL"] = urls[self.server]
        elif self.server == "redis":
            env["TOKENSTORE_REDIS_URL"] = urls["redis"]
        return env


STORES = (
    Store(
        "list",
        "ListTokenStore (reference)",
        "tokenstore_conformance.reference_stores.list_store:ListTokenStore",
    ),
    Store(
        "memory",
        "InMemoryTokenStore (reference)",
        "tokenstore_conformance.reference_stores.memory_store:InMemoryTokenStore",
    ),
    Store(
        "sqlite",
        "SQLiteTokenStore (reference)",
        "tokenstore_conformance.reference_stores.sqlite_store:tmp_path_store",
    ),
    Store(
        "sqlalchemy-postgres",
        "SQLAlchemyTokenStore on PostgreSQL (reference)",
        "tokenstore_conformance.reference_stores.sqlalchemy_store:from_env",
        "postgres",
    ),
    Store(
        "sqlalchemy-mariadb",
        "SQLAlchemyTokenStore on MariaDB (reference)",
        "tokenstore_conformance.reference_stores.sqlalchemy_store:from_env",
        "mariadb",
    ),
    Store(
        "redis",
        "RedisTokenStore (reference)",
        "tokenstore_conformance.reference_stores.redis_store:from_env",
        "redis",
    ),
    Store("sdk-filestore", "SDK FileStore", "tokenstore_conformance.target.sdk_stores:file_store"),
    Store(
        "sdk-dbstore-mariadb",
        "SDK DBStore on MariaDB",
        "tokenstore_conformance.target.sdk_stores:db_store",
        "mariadb",
    ),
)


class CompatError(Exception):
    """A store's run did not produce a report; the message is one line."""


def run_store(store: Store, out: Path, urls: dict[str, str]) -> Path:
    """Run the kit on one store; the report's path (a failing store still writes one)."""
    report = out / f"{store.name}.json"
    report.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "tokenstore_conformance",
        "check",
        store.spec,
        "--",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "-q",
        f"--tokenstore-report={report}",
    ]
    with tempfile.TemporaryDirectory(prefix="compat-") as cwd:
        done = subprocess.run(
            command, cwd=cwd, env=store.env(urls), capture_output=True, text=True, check=False, timeout=1800
        )
    if done.returncode not in (0, 1) or not report.exists():
        tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
        raise CompatError(f"{store.label}: exit {done.returncode} without a report: {' / '.join(tail)}")
    return report


def run_stores(
    stores: list[Store], out: Path, urls: dict[str, str], jobs: int = 2
) -> list[tuple[Store, Path]]:
    out.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        reports = list(pool.map(lambda store: run_store(store, out, urls), stores))
    return list(zip(stores, reports, strict=True))


def report_sources(results: list[tuple[Store, Path]]) -> list[str]:
    """The ``report`` subcommand's arguments: ``LABEL=FILE.json`` per store."""
    return [f"{store.label}={path}" for store, path in results]


def start_servers(directory: Path) -> dict[str, str]:
    """Start PostgreSQL, MariaDB and Redis with scripts/dbservers; their URLs."""
    done = subprocess.run(
        [str(DBSERVERS), "start", str(directory)], capture_output=True, text=True, check=False, timeout=900
    )
    if done.returncode != 0:
        raise CompatError(f"scripts/dbservers start failed: {done.stderr.strip().splitlines()[-1:]}")
    urls = {}
    for line in (directory / "env").read_text().splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export":
            name, _, value = words[1].partition("=")
            urls[name] = value
    return {server: urls[variable] for server, variable in SERVER_URLS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="keep the JSON reports in this directory")
    parser.add_argument(
        "--in-process", action="store_true", help="only the stores that need no server; print their rows"
    )
    parser.add_argument(
        "--check", action="store_true", help="do not write the page; exit 1 if it is out of date"
    )
    parser.add_argument("--jobs", type=int, default=2, help="stores run at once (default 2)")
    args = parser.parse_args(argv)
    stores = [s for s in STORES if not (args.in_process and s.server)]
    urls = {server: os.environ.get(variable, "") for server, variable in SERVER_URLS.items()}
    servers = None
    with tempfile.TemporaryDirectory(prefix="compat-reports-") as scratch:
        try:
            if any(s.server and not urls[s.server] for s in stores):
                servers = Path(tempfile.mkdtemp(prefix="dbservers-", dir="/tmp"))
                urls = start_servers(servers)
            results = run_stores(stores, args.out or Path(scratch), urls, args.jobs)
        except CompatError as exc:
            print(f"compat: {exc}", file=sys.stderr)
            return 1
        finally:
            if servers is not None:
                subprocess.run([str(DBSERVERS), "stop", str(servers)], capture_output=True, check=False)
                shutil.rmtree(servers, ignore_errors=True)
        command = [sys.executable, "-m", "tokenstore_conformance", "report"]
        if not args.in_process:  # the page shows every store: never write it from a part of them
            command += ["--update", str(PAGE), *(["--check"] if args.check else [])]
        return subprocess.call([*command, *report_sources(results)])


if __name__ == "__main__":
    sys.exit(main())
