"""scripts/dbservers: starts, answers, restarts on the same port and data, stops, and fails in one line."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from support.servers import SCRIPT, ServerFailure, read_env, run_script

NAMES = ("postgres", "mariadb", "redis")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _pids(directory: Path) -> dict[str, int]:
    return {n: int((directory / f"{n}.pid").read_text()) for n in NAMES if (directory / f"{n}.pid").exists()}


def _scalar(url: str, sql: str):
    """Run one constant statement; its first value, if it returns rows."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(sql))
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def servers_dir() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="dbservers-"))
    try:
        try:
            run_script("start", str(directory))
        except ServerFailure as exc:
            pytest.fail(f"database servers could not start: {exc}", pytrace=False)
        yield directory
    finally:
        try:
            run_script("stop", str(directory))
        finally:
            shutil.rmtree(directory, ignore_errors=True)


def test_start_writes_the_env_file_and_every_server_answers(servers_dir):
    env = read_env((servers_dir / "env").read_text())
    # What start printed names the file, and no password: CI logs are read by many.
    said = run_script("start", str(servers_dir))
    assert f". {servers_dir}/env" in said
    password = (servers_dir / "password").read_text().strip()
    assert password not in said
    assert env["TOKENSTORE_DBSERVERS_DIR"] == str(servers_dir)
    assert _scalar(env["TOKENSTORE_POSTGRES_URL"], "SELECT current_database()") == "tokenstore"
    assert _scalar(env["TOKENSTORE_MARIADB_URL"], "SELECT DATABASE()") == "tokenstore"
    assert _scalar(env["TOKENSTORE_MARIADB_URL"], "SELECT @@collation_database") == "utf8mb4_bin"
    assert env["TOKENSTORE_REDIS_URL"] == f"unix://{servers_dir}/redis.sock"
    with socket.socket(socket.AF_UNIX) as redis:
        redis.settimeout(10)
        redis.connect(str(servers_dir / "redis.sock"))
        redis.sendall(b"PING\r\n")
        assert redis.recv(64) == b"+PONG\r\n"
    assert all(_alive(pid) for pid in _pids(servers_dir).values())
    assert sorted(_pids(servers_dir)) == sorted(NAMES)
    assert (servers_dir / "env").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("name", NAMES)
def test_restart_keeps_the_port_and_the_data(servers_dir, name):
    before_env, before_pid = (servers_dir / "env").read_text(), _pids(servers_dir)[name]
    url = read_env(before_env).get(f"TOKENSTORE_{name.upper()}_URL") if name != "redis" else None
    if url:
        _scalar(url, "CREATE TABLE IF NOT EXISTS kept (v TEXT)")
        _scalar(url, "INSERT INTO kept VALUES ('x')")
    run_script(f"restart-{name}", str(servers_dir))
    assert not _alive(before_pid)
    assert _alive(_pids(servers_dir)[name])
    assert _pids(servers_dir)[name] != before_pid
    assert (servers_dir / "env").read_text() == before_env
    if url:
        assert _scalar(url, "SELECT count(*) FROM kept") >= 1
        _scalar(url, "DROP TABLE kept")


def test_a_server_that_cannot_start_fails_in_one_line_naming_it(servers_dir):
    port = int((servers_dir / "postgres.port").read_text())
    run_script("stop", str(servers_dir), "postgres")
    blocker = socket.socket()
    try:
        # SO_REUSEADDR: the port may be in TIME_WAIT from the server's closed connections.
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        done = subprocess.run(
            [str(SCRIPT), "start", str(servers_dir), "postgres"], capture_output=True, text=True, timeout=120
        )
    finally:
        blocker.close()
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("dbservers: postgres did not start"), done.stderr
    assert "postgres" not in _pids(servers_dir)
    run_script("start", str(servers_dir), "postgres")
    assert _alive(_pids(servers_dir)["postgres"])


@pytest.mark.slow  # starts the servers of its own
def test_stop_returns_only_when_every_server_is_gone():
    directory = Path(tempfile.mkdtemp(prefix="dbservers-"))
    try:
        run_script("start", str(directory), "postgres", "redis")
        pids = _pids(directory)
        assert sorted(pids) == ["postgres", "redis"]
        run_script("stop", str(directory))
        assert [name for name, pid in pids.items() if _alive(pid)] == []
        assert _pids(directory) == {}
        assert urlsplit(read_env((directory / "env").read_text())["TOKENSTORE_POSTGRES_URL"]).port
    finally:
        run_script("stop", str(directory))
        shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "usage: scripts/dbservers"),
        (("start", "/tmp/x", "oracle"), "usage: scripts/dbservers"),
        (("start", "/tmp/" + "d" * 90), "longer than 80 characters"),
    ],
)
def test_bad_arguments_fail_in_one_line(args, message):
    done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1, done.stderr
    assert message in done.stderr
    assert not os.path.exists("/tmp/" + "d" * 90)
