"""One forked worker process of a check: builds its own store, then runs the roles it is sent.

An actor talks to the launcher through two pipes, one JSON line per message.
Every call into the store is registered with a watchdog: a call that has not
returned within the per-call timeout ends the actor with a report naming the
call, because a thread stuck inside a store cannot be stopped any other way.
"""

from __future__ import annotations

import faulthandler
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from .target import built_store, network

HUNG_EXIT = 70
REFUSED_EXIT = 71  # the store tried to connect off the machine (see Calls.active)
WATCH_INTERVAL = 0.05


class Calls:
    """The store calls in progress, per thread, for the watchdog; and the end of a call that connected out.

    The launcher installed the network guard before forking (``child.py``): a store call after which
    the guard has refused a connection, whether the store raised or swallowed the refusal, ends the
    actor with a report naming the address and the call, as a hung call does.
    """

    def __init__(self, timeout: float, send) -> None:
        self.timeout = timeout
        self._send = send
        self._active: dict[int, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self.stop_fd = (
            -1
        )  # read end of the launcher's stop pipe: readable once a role that runs until stopped must stop
        if timeout > 0:
            threading.Thread(target=self._watch, name="tokenstore-watchdog", daemon=True).start()

    @contextmanager
    def active(self, what: str) -> Iterator[None]:
        key = threading.get_ident()
        with self._lock:
            self._active[key] = (what, time.monotonic())
        try:
            yield
        finally:
            with self._lock:
                self._active.pop(key, None)
            refused = network.last_refusal()
            if refused is not None:
                self._send({"refused": refused.message(), "during": what})
                sys.stderr.flush()
                os._exit(REFUSED_EXIT)

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            now = time.monotonic()
            with self._lock:
                late = [what for what, since in self._active.values() if now - since > self.timeout]
            if late:
                self._send({"hung": late[0], "seconds": self.timeout})
                os._exit(HUNG_EXIT)


class Channel:
    """The actor's end of its two pipes."""

    def __init__(self, command_fd: int, result_fd: int) -> None:
        self._commands = os.fdopen(command_fd, "r", encoding="utf-8")
        self._result_fd = result_fd
        self._lock = threading.Lock()

    def send(self, message: object) -> None:
        data = (json.dumps(message) + "\n").encode("utf-8")
        with self._lock:
            view = memoryview(data)
            while view:
                written = os.write(self._result_fd, view)
                view = view[written:]

    def receive(self) -> dict | None:
        line = self._commands.readline()
        return json.loads(line) if line else None


def run_actor(channel: Channel, target: dict, timeout: float) -> None:
    """The body of a forked actor; never returns (the process ends with os._exit)."""
    from .process_roles import ROLES as PROCESS_ROLES
    from .refresh_roles import ROLES as REFRESH_ROLES
    from .roles import ROLES

    code = 0
    try:
        calls = Calls(timeout, channel.send)
        calls.stop_fd = target["stop_fd"]
        os.chdir(target["cwd"])
        manager = built_store(target["spec"], target["timeout"], target["tmp_path"])
        try:
            with calls.active("building the store"):
                store = manager.__enter__()
        except Exception as exc:
            channel.send({"build_error": str(exc) or type(exc).__name__})
        else:
            try:
                channel.send({"ready": True})
                _serve(channel, calls, store, {**ROLES, **PROCESS_ROLES, **REFRESH_ROLES})
            finally:
                with calls.active("closing the store"):
                    manager.__exit__(None, None, None)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _serve(channel: Channel, calls: Calls, store: object, roles: dict) -> None:
    while True:
        command = channel.receive()
        if command is None or command.get("role") == "exit":
            return
        role = roles[command["role"]]
        delay = command.get("start_at", 0) - time.monotonic()
        if delay > 0:  # workers of one step sleep until the same moment, then race
            time.sleep(delay)
        try:
            result = role(store, calls, command.get("args", {}), channel.send)
        except Exception as exc:
            channel.send({"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=8)})
            continue
        channel.send({"result": result})


def enable_crash_traces() -> None:
    """Print the crashing thread's Python stack to stderr if the store kills the interpreter (SIGSEGV...)."""
    faulthandler.enable(file=sys.stderr, all_threads=False)
