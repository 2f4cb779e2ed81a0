"""The pytest side: one launcher process per test session, asked to run one scenario at a time.

The launcher is started on first use and kept for the session, so Python and
the SDK are imported once per session, not once per check. It runs in a
process group of its own; ``shutdown`` (at the end of the session, and at
interpreter exit as a backstop) closes its stdin and then kills the whole
group, so no actor outlives the run.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Time for the launcher to start (import the kit and the SDK) on a loaded machine.
STARTUP_SECONDS = 60.0
KIT_ROOT = str(Path(__file__).resolve().parents[2])
STDERR_SHOWN = 3000


class LauncherError(Exception):
    """The launcher itself failed: it died, or did not answer in time. The message is for the user."""


class Launcher:
    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()
        self._buffer = b""

    def run(self, scenario: str, target: dict, params: dict, seconds: float) -> dict:
        """Run a scenario; its raw result, with what the launcher's processes wrote to stderr."""
        process = self._start()
        mark = self._log.seek(0, os.SEEK_END)
        request = {"scenario": scenario, "target": target, "params": params, "seconds": seconds}
        try:
            process.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            process.stdin.flush()
            line = self._read_line(process, seconds + STARTUP_SECONDS)
        except (BrokenPipeError, LauncherError) as exc:
            stderr = self._stderr_since(mark)
            self.shutdown()
            raise LauncherError(f"{exc}; its error output:\n{stderr}" if stderr else str(exc)) from None
        result = json.loads(line)
        result["stderr"] = self._stderr_since(mark)
        return result

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (KIT_ROOT, env.get("PYTHONPATH")) if p)
        env["PYTHONUNBUFFERED"] = "1"
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tokenstore_conformance.concurrency.child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            start_new_session=True,  # its own process group: killed as one
        )
        self._buffer = b""
        return self._process

    def _read_line(self, process: subprocess.Popen[bytes], seconds: float) -> bytes:
        end = time.monotonic() + seconds
        fd = process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    raise LauncherError(f"the concurrency launcher did not answer within {seconds:g}s")
                if selector.select(timeout=remaining):
                    chunk = os.read(fd, 1 << 20)
                    if not chunk:
                        code = process.wait()
                        raise LauncherError(
                            f"the concurrency launcher ended unexpectedly ({_describe(code)})"
                        )
                    self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def _stderr_since(self, mark: int) -> str:
        self._log.seek(mark)
        text = self._log.read().decode("utf-8", "replace")
        self._log.seek(0, os.SEEK_END)
        # The start matters most: the first crash report or traceback says what went wrong.
        return text if len(text) <= STDERR_SHOWN else text[:STDERR_SHOWN] + "\n[... more error output cut]"

    def shutdown(self) -> None:
        """End the launcher and everything it started; safe to call more than once."""
        process, self._process = self._process, None
        if process is None:
            return
        try:
            process.stdin.close()
            process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            process.wait()
            process.stdout.close()


def _describe(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


_shared: Launcher | None = None


def shared_launcher() -> Launcher:
    global _shared
    if _shared is None:
        _shared = Launcher()
        atexit.register(shutdown)
    return _shared


def shutdown() -> None:
    """End the session's launcher, if one was started."""
    if _shared is not None:
        _shared.shutdown()
