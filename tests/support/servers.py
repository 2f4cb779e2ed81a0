"""Real PostgreSQL and MariaDB servers for the SQLAlchemy store's tests (a pytest plugin).

The servers named by ``TOKENSTORE_POSTGRES_URL`` and ``TOKENSTORE_MARIADB_URL``
are used when both are set (``. DIR/env`` after ``scripts/dbservers start DIR``).
Otherwise each test process (each xdist worker) starts a set of its own with
``scripts/dbservers`` on free ports, and stops it at the end of the session.
Tests that stop servers always use a set of this process's own, because
stopping servers other processes use would fail their tests.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "dbservers"
BACKENDS = ("postgres", "mariadb")
URL_VARIABLES = {"postgres": "TOKENSTORE_POSTGRES_URL", "mariadb": "TOKENSTORE_MARIADB_URL"}


class ServerFailure(Exception):
    """A server could not be started or stopped; the message is one line."""


def run_script(*args: str, timeout: float = 900) -> str:
    """Run scripts/dbservers; its one-line error becomes a ServerFailure."""
    try:
        done = subprocess.run(
            [str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise ServerFailure(f"scripts/dbservers {' '.join(args)} took longer than {timeout:g}s") from None
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise ServerFailure(lines[-1])
    return done.stdout


def read_env(text: str) -> dict[str, str]:
    """The variables of DIR/env (lines ``export NAME=VALUE``, VALUE quoted as by printf %q)."""
    variables = {}
    for line in text.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            name, _, value = words[1].partition("=")
            variables[name] = value
    return variables


class DBServers:
    """One set of servers: their URLs, and for a set this process started, control over them."""

    def __init__(self, urls: dict[str, str], directory: Path | None = None) -> None:
        self.urls = urls
        self.directory = directory

    @classmethod
    def start(cls) -> DBServers:
        # Under /tmp, not pytest's tmp_path: the servers run as an unprivileged user, which
        # cannot enter pytest's private base directory; and Unix socket paths must stay short.
        directory = Path(tempfile.mkdtemp(prefix="dbservers-"))
        try:
            run_script("start", str(directory), *BACKENDS)
            env = read_env((directory / "env").read_text())
        except ServerFailure:
            cls(urls={}, directory=directory).stop()
            raise
        return cls({name: env[URL_VARIABLES[name]] for name in BACKENDS}, directory)

    def url(self, backend: str) -> str:
        return self.urls[backend]

    def stop_server(self, backend: str) -> None:
        run_script("stop", str(self.directory), backend)

    def start_server(self, backend: str) -> None:
        run_script("start", str(self.directory), backend)

    def stop(self) -> None:
        if self.directory is None:
            return
        try:
            run_script("stop", str(self.directory), *BACKENDS)
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def _start_or_fail() -> DBServers:
    try:
        return DBServers.start()
    except ServerFailure as exc:
        pytest.fail(f"database servers could not start: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def own_dbservers() -> Iterator[DBServers]:
    """Servers this test process started and may stop and restart."""
    servers = _start_or_fail()
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def dbservers(request: pytest.FixtureRequest) -> DBServers:
    """The servers to test against: the environment's, or this process's own."""
    urls = {name: os.environ.get(variable) for name, variable in URL_VARIABLES.items()}
    if all(urls.values()):
        return DBServers(urls)
    return request.getfixturevalue("own_dbservers")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(dbservers: DBServers, backend: str) -> str:
    return dbservers.url(backend)
