"""The launcher's side of its actors: fork them, send them roles, gather answers, reap them.

Actors are forked from the launcher, which has imported the kit and the SDK
once, so a check of eight processes costs milliseconds to start instead of
seconds. Each actor resolves the SPEC and builds its store itself after the
fork. Everything is bounded by one deadline: an actor that has not answered
by then is killed, and every actor is reaped before a check returns.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import sys
import time
from dataclasses import dataclass, field

from .actor import HUNG_EXIT, REFUSED_EXIT, Channel, enable_crash_traces, run_actor

# Per actor, the time a step's start is put off so every actor has its command before it begins:
# actors sleep until the same moment (CLOCK_MONOTONIC is one clock for all processes) and then race.
START_MARGIN = 0.004


class DeadlineExceeded(Exception):
    """Some actors had not answered when the check's deadline passed; they have been killed."""

    def __init__(self, waiting: dict[int, str]) -> None:
        super().__init__(f"no answer from {sorted(waiting)}")
        self.waiting = waiting


@dataclass
class Actor:
    index: int
    pid: int
    command_fd: int
    result_fd: int
    buffer: bytes = b""
    messages: list[dict] = field(default_factory=list)
    death: str | None = None  # how the process ended, once it has
    doing: str = "building the store"

    @property
    def alive(self) -> bool:
        return self.death is None


def describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"killed by {signal.Signals(number).name}"
        except ValueError:
            return f"killed by signal {number}"
    code = os.WEXITSTATUS(status)
    if code == REFUSED_EXIT:
        return "stopped: the store tried to connect off the machine"
    return "stopped by the per-call timeout" if code == HUNG_EXIT else f"exited with status {code}"


class Troupe:
    """A set of actors over one store SPEC, all answering to one deadline."""

    def __init__(self, target: dict, deadline: float) -> None:
        self.target = target
        self.deadline = deadline
        self.actors: list[Actor] = []
        self.stop_read, self.stop_write = os.pipe()
        self._selector = selectors.DefaultSelector()

    # -- starting -----------------------------------------------------------
    def hire(self, count: int) -> list[Actor]:
        """Fork ``count`` actors; each answers once it has built its store (or failed to)."""
        hired = []
        for _ in range(count):
            hired.append(self._fork(len(self.actors)))
            self.actors.append(hired[-1])
        return hired

    def _fork(self, index: int) -> Actor:
        command_read, command_write = os.pipe()
        result_read, result_write = os.pipe()
        keep = {command_read, result_write, self.stop_read}
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the actor
            try:
                for fd in self._launcher_fds() | {command_write, result_read, self.stop_write}:
                    if fd not in keep:
                        os.close(fd)
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                os.dup2(2, 1)  # a store that prints must not write into the launcher's protocol
                enable_crash_traces()
                target = dict(self.target, stop_fd=self.stop_read)
                run_actor(Channel(command_read, result_write), target, self.target["timeout"])
            finally:
                os._exit(1)
        os.close(command_read)
        os.close(result_write)
        os.set_blocking(result_read, False)
        actor = Actor(index, pid, command_write, result_read)
        self._selector.register(result_read, selectors.EVENT_READ, actor)
        return actor

    def _launcher_fds(self) -> set[int]:
        fds = {fd for a in self.actors if a.alive for fd in (a.command_fd, a.result_fd)}
        return fds | set(self.target.get("launcher_fds", ()))

    # -- talking ------------------------------------------------------------
    def send(self, actors: list[Actor], role: str, args: list[dict] | dict) -> None:
        """Send a role to each actor; all of them start it at the same moment, shortly after."""
        start_at = time.monotonic() + START_MARGIN * len(actors) if len(actors) > 1 else 0
        for i, actor in enumerate(actors):
            if not actor.alive:
                continue
            each = args[i] if isinstance(args, list) else args
            actor.doing = role
            command = {"role": role, "args": each, "start_at": start_at}
            try:
                os.write(actor.command_fd, (json.dumps(command) + "\n").encode())
            except BrokenPipeError:
                pass  # it died; gather() reports how

    def gather(self, actors: list[Actor]) -> dict[int, dict]:
        """The next answer of each actor: {index: message}; a dead actor's answer says how it died."""
        answers: dict[int, dict] = {}
        waiting = {a.index: a for a in actors}
        while waiting:
            for index, actor in list(waiting.items()):
                if actor.messages:
                    answers[index] = actor.messages.pop(0)
                    del waiting[index]
                elif not actor.alive:
                    answers[index] = {"died": actor.death, "doing": actor.doing}
                    del waiting[index]
            if waiting:
                self._pump(self.deadline - time.monotonic(), waiting)
        return answers

    def _pump(self, seconds: float, waiting: dict[int, Actor]) -> None:
        if seconds <= 0:
            self.kill_all()
            raise DeadlineExceeded({i: a.doing for i, a in waiting.items()})
        for key, _ in self._selector.select(timeout=min(seconds, 0.5)):
            self._read(key.data)

    def _read(self, actor: Actor) -> None:
        try:
            chunk = os.read(actor.result_fd, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            self._selector.unregister(actor.result_fd)
            os.close(actor.result_fd)
            self._reap(actor)
            return
        actor.buffer += chunk
        *lines, actor.buffer = actor.buffer.split(b"\n")
        for line in lines:
            message = json.loads(line)
            if "hung" in message:
                actor.doing = message["hung"]
                message = {"hung": message["hung"], "seconds": message["seconds"]}
            actor.messages.append(message)

    def stream(self, actor: Actor, until: float) -> None:
        """Read what actors report until the monotonic time ``until``, the deadline or the actor's death."""
        while actor.alive:
            remaining = min(until, self.deadline) - time.monotonic()
            if remaining <= 0:
                return
            for key, _ in self._selector.select(timeout=remaining):
                self._read(key.data)

    def dismiss(self, actors: list[Actor]) -> None:
        """Let actors close their stores and exit (killed if they have not by the deadline)."""
        for actor in actors:
            if actor.alive:
                try:
                    os.write(actor.command_fd, b'{"role": "exit"}\n')
                except BrokenPipeError:
                    pass
        for actor in actors:
            while actor.alive:
                self._pump(self.deadline - time.monotonic(), {actor.index: actor})

    def kill(self, actor: Actor) -> None:
        """SIGKILL an actor, then read what it wrote before it died and reap it."""
        if actor.alive:
            try:
                os.kill(actor.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        while actor.alive:
            self._pump(max(self.deadline - time.monotonic(), 1.0), {actor.index: actor})

    def _reap(self, actor: Actor) -> None:
        end = time.monotonic() + 5
        while True:
            pid, status = os.waitpid(actor.pid, os.WNOHANG)
            if pid:
                actor.death = describe_status(status)
                break
            if time.monotonic() > end:
                os.kill(actor.pid, signal.SIGKILL)
                end = time.monotonic() + 5
            time.sleep(0.005)
        os.close(actor.command_fd)

    # -- ending -------------------------------------------------------------
    def signal_stop(self) -> None:
        if self.stop_write >= 0:
            os.close(self.stop_write)
            self.stop_write = -1

    def kill_all(self) -> None:
        for actor in self.actors:
            if actor.alive:
                try:
                    os.kill(actor.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for actor in self.actors:
            if actor.alive:
                try:
                    self._selector.unregister(actor.result_fd)
                except (KeyError, ValueError):
                    pass
                os.close(actor.result_fd)
                self._reap(actor)

    def close(self) -> None:
        """Dismiss every live actor; kill any that has not exited by the deadline."""
        try:
            self.dismiss(self.actors)
        except DeadlineExceeded:
            pass
        finally:
            self.kill_all()
            self.signal_stop()
            os.close(self.stop_read)
            self._selector.close()
