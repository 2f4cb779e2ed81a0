"""A private redis-server for the tests: a Unix socket in a temporary directory, stopped by its PID.

No TCP port is opened (``--port 0``), so parallel test workers and other
programs on the machine never meet it. Used by tests/stores/test_redis_store.py and
tools/bench_redis_latency.py.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import redis

START_SECONDS = 10.0


class RedisServerError(Exception):
    """redis-server could not be started; the message is one line."""


class RedisServer:
    """One redis-server process; ``restart()`` brings it back on the same socket and data directory."""

    def __init__(self, *options: str) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="tsc-redis-"))
        self.socket = self.directory / "redis.sock"
        self.url = f"unix://{self.socket}"
        # No persistence unless the caller asks for it: nothing is written but the socket.
        self.options = ("--save", "", "--appendonly", "no", *options)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisServerError(
                "redis-server is not installed; install the Debian package redis-server or set "
                "TOKENSTORE_REDIS_URL to a server the tests may write to"
            )
        command = [binary, "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700"]
        command += ["--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")]
        self.process = subprocess.Popen([*command, *self.options], stdin=subprocess.DEVNULL)
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1)
        deadline = time.monotonic() + START_SECONDS
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RedisServerError(
                        f"redis-server exited with code {self.process.returncode} at start; see {self.log_tail()}"
                    )
                try:
                    # PING answers while an AOF is still loading; a command that touches data does not.
                    client.dbsize()
                    return
                except redis.RedisError:
                    time.sleep(0.02)
        finally:
            client.close()
        self.stop()
        raise RedisServerError(
            f"redis-server did not answer within {START_SECONDS:g}s; see {self.log_tail()}"
        )

    def log_tail(self) -> str:
        log = self.directory / "redis.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return f"{log}: {lines[-1] if lines else '(empty)'}"

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server by its PID: SIGTERM shuts down cleanly, SIGKILL is a crash."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
