"""What an actor does with its store: the writers, readers and victims of the checks.

A role calls the store, logs what each call returned (or raised) and sends the
log back; it judges nothing that needs another process's log. Readers are the
exception: they check each answer as it arrives (a record must be one whole
save, a seeded user must never be missing), since answers are too many to send.
"""

from __future__ import annotations

import select
import sys
import threading
import time

from . import plans
from .target import make_token

# Threads of one process take turns on the GIL; a short switch interval makes
# them interleave inside a store's pure-Python read-modify-write, as they do
# in a busy server.
SWITCH_INTERVAL = 1e-5
BARRIER_TIMEOUT = 60.0
# After each save a writer pauses WRITER_PAUSE times as long as the save took (at least
# MIN_PAUSE): a store in memory gets thousands of updates a second, a file database is left
# idle part of the time, as real traffic leaves it. Writing a file database without a break
# starves its readers for seconds, which is a load test, not a correctness check.
WRITER_PAUSE = 3.0
MIN_PAUSE = 0.0002
MAX_VIOLATIONS = 8


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def save(store, calls, name: str, serial: int, who: str) -> list:
    """Save one version; the log entry [user, serial, id the token carries afterwards, error]."""
    token = plans.token(name, serial)
    try:
        with calls.active(f"save_token({name}) in {who}"):
            store.save_token(token)
    except Exception as exc:
        return [name, serial, None, error_text(exc)]
    return [name, serial, token.get_id(), None]


def snapshot(store, calls, args=None, emit=None) -> dict:
    """Every record, read with get_tokens; or what get_tokens raised."""
    try:
        with calls.active("get_tokens()"):
            tokens = store.get_tokens()
        return {"records": [plans.snapshot(t) for t in tokens or []]}
    except Exception as exc:
        return {"error": error_text(exc)}


def snapshot_and_clear(store, calls, args=None, emit=None) -> dict:
    """Every record, then ``delete_tokens``: how a single-user store starts each round of a check empty."""
    taken = snapshot(store, calls)
    try:
        with calls.active("delete_tokens()"):
            store.delete_tokens()
    except Exception as exc:
        taken["clear_error"] = error_text(exc)
    return taken


def _in_threads(count: int, body, action=None) -> list:
    """Run body(index, barrier) in ``count`` threads started together; their results, in order."""
    barrier = threading.Barrier(count, action=action, timeout=BARRIER_TIMEOUT)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            results[index] = body(index, barrier)
        except threading.BrokenBarrierError:
            results[index] = {"crashed": "another thread never reached the start line"}
        except Exception as exc:
            barrier.abort()
            results[index] = {"crashed": error_text(exc)}

    previous = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        threads = [threading.Thread(target=run, args=(i,), name=f"worker-{i}") for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(previous)
    return results


class Rounds:
    """Decides, when all threads meet, whether another round runs: at least ``least`` rounds, then
    more while ``seconds`` have not passed, up to ``most``. A fast store gets many rounds, a slow
    one its minimum, and the check's length stays bounded either way."""

    def __init__(self, least: int, most: int, seconds: float) -> None:
        self.least, self.most, self.seconds = least, most, seconds
        self.started = time.monotonic()
        self.current = -1
        self.go = True

    def next(self) -> None:
        self.current += 1
        r = self.current
        self.go = r < self.least or (r < self.most and time.monotonic() - self.started < self.seconds)


def threads_distinct(store, calls, args: dict, emit=None) -> dict:
    """Each thread inserts its own users and updates each once; in round k all threads insert
    their k-th user at the same moment and then update their (k-1)-th."""
    group, per_thread = args["group"], args["per_thread"]

    def body(t: int, barrier) -> list:
        log, n, who = [], 0, f"thread {t}"
        for k in range(per_thread + 1):
            barrier.wait()
            for target in (k, k - 1):
                if 0 <= target < per_thread:
                    log.append(save(store, calls, plans.user(group, t, target), plans.serial_of(t, n), who))
                    n += 1
        return log

    return {"logs": _in_threads(args["threads"], body), "final": snapshot(store, calls)}


def threads_same_user(store, calls, args: dict, emit=None) -> dict:
    """In every round all threads save their own version of one new user at the same moment.

    For a single-user store each round's records are read, and the store
    emptied, before the next round begins: its one slot takes one user at a time.
    """
    group = args["group"]
    rounds = Rounds(args["rounds"], args["most"], args["seconds"])
    taken: list[dict] = []

    def between_rounds() -> None:
        if args.get("single_user") and rounds.current >= 0:
            taken.append({"name": plans.user(group, 0, rounds.current), **snapshot_and_clear(store, calls)})
        rounds.next()

    def body(t: int, barrier) -> list:
        log = []
        while True:
            barrier.wait()
            if not rounds.go:
                return log
            r = rounds.current
            log.append(save(store, calls, plans.user(group, 0, r), plans.serial_of(t, r), f"thread {t}"))

    logs = _in_threads(args["threads"], body, between_rounds)
    return {
        "logs": logs,
        "final": snapshot(store, calls),
        **({"rounds": taken} if args.get("single_user") else {}),
    }


def threads_read(store, calls, args: dict, emit=None) -> dict:
    """Writers update seeded users while readers look them up by user name, by id and in get_tokens.

    Everyone keeps going until each writer has saved ``saves`` times, each
    reader has made ``reads`` lookups and ``seconds`` have passed, so that
    lookups overlap many writes on fast stores and a few on slow ones.
    """
    group, users, writers, readers = args["group"], args["users"], args["writers"], args["readers"]
    names = [plans.user(group, 0, k) for k in range(users)]
    seeds = [
        save(store, calls, name, plans.serial_of(0, k), "the main thread") for k, name in enumerate(names)
    ]
    if any(entry[3] or not entry[2] for entry in seeds):
        return {"seeds": seeds}
    ids = {entry[0]: entry[2] for entry in seeds}
    writers_ready, readers_done = Countdown(writers), Countdown(readers)
    until = time.monotonic() + args["seconds"]

    def body(index: int, barrier):
        barrier.wait()
        if index < writers:
            who = f"writer thread {index}"
            return keep_saving(
                store, calls, names, index + 1, args["saves"], readers_done.is_set, who, writers_ready.count
            )
        reader = Reader(store, calls, ids, f"reader thread {index - writers}")
        try:
            while reader.reads < args["reads"] or not writers_ready.is_set() or time.monotonic() < until:
                reader.step()
        finally:
            readers_done.count()
        return reader.report()

    results = _in_threads(writers + readers, body)
    return {"seeds": seeds, "writers": results[:writers], "readers": results[writers:]}


class Countdown(threading.Event):
    """Set once ``count()`` has been called ``n`` times."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self._left = n
        self._lock = threading.Lock()

    def count(self) -> None:
        with self._lock:
            self._left -= 1
            if self._left <= 0:
                self.set()


def keep_saving(
    store, calls, names: list[str], worker: int, least: int, stop, who: str, reached=None
) -> dict:
    """Save versions of the users in turn, at least ``least`` times and then until ``stop()``."""
    count, errors, spent = 0, [], 0.0
    while count < least or not stop():
        if count:
            time.sleep(max(MIN_PAUSE, spent * WRITER_PAUSE))
        started = time.monotonic()
        entry = save(store, calls, names[count % len(names)], plans.serial_of(worker, count), who)
        spent = time.monotonic() - started
        count += 1
        if count == least and reached is not None:
            reached()
        if entry[3] and len(errors) < MAX_VIOLATIONS:
            errors.append(entry)
        if count >= plans.STRIDE - 1:
            break
    return {"count": count, "errors": errors}


class Reader:
    """Looks seeded users up in turn and checks each answer on the spot."""

    def __init__(self, store, calls, ids: dict[str, str], who: str) -> None:
        self.store, self.calls, self.ids, self.who = store, calls, ids, who
        self.names = sorted(ids)
        self.reads = 0
        self.seen: set[tuple[str, int]] = set()
        self.violations: list[dict] = []

    def step(self) -> None:
        name = self.names[self.reads % len(self.names)]
        way = self.reads % 3
        self.reads += 1
        try:
            if way == 0:
                probe = make_token(user_name=name)
                with self.calls.active(f"find_token({name}) in {self.who}"):
                    found = self.store.find_token(probe)
                self._check("find_token by user name", name, found)
            elif way == 1:
                with self.calls.active(f"find_token_by_id({self.ids[name]}) in {self.who}"):
                    found = self.store.find_token_by_id(self.ids[name])
                self._check("find_token_by_id", name, found)
            else:
                with self.calls.active(f"get_tokens() in {self.who}"):
                    tokens = self.store.get_tokens() or []
                by_name: dict[str, list] = {}
                for token in tokens:
                    record = plans.from_json(plans.snapshot(token))
                    by_name.setdefault(record.user_name, []).append(token)
                for each in self.names:
                    listed = by_name.get(each, [])
                    if len(listed) > 1:
                        self._violate("duplicate", "get_tokens", each, f"{len(listed)} records")
                    self._check("get_tokens", each, listed[0] if listed else None)
        except Exception as exc:
            call = ("find_token", "find_token_by_id", "get_tokens")[way]
            self._violate("exception", call, name, error_text(exc))

    def _check(self, call: str, name: str, found: object) -> None:
        if found is None:
            self._violate("miss", call, name, "")
            return
        record = plans.from_json(plans.snapshot(found))
        serial = plans.version_of(record)
        if serial is None or record.user_name != name:
            self._violate("mixed", call, name, plans.describe_mix(record))
        elif record.id != self.ids[name]:
            self._violate("id", call, name, f"id {record.id!r}, saved as {self.ids[name]!r}")
        else:
            self.seen.add((name, serial))

    def _violate(self, kind: str, call: str, name: str, detail: str) -> None:
        if len(self.violations) < MAX_VIOLATIONS:
            self.violations.append(
                {"kind": kind, "call": call, "user": name, "detail": detail, "who": self.who}
            )

    def report(self) -> dict:
        return {"reads": self.reads, "seen": sorted(self.seen), "violations": self.violations}


def save_many(store, calls, args: dict, emit=None) -> list:
    """One process's share of distinct users: one insert each."""
    worker, group = args["worker"], args["group"]
    who = f"process {worker}"
    return [
        save(store, calls, plans.user(group, worker, k), plans.serial_of(worker, k), who)
        for k in range(args["count"])
    ]


def save_one(store, calls, args: dict, emit=None) -> list:
    return save(store, calls, args["name"], args["serial"], f"process {args['worker']}")


def read_times(store, calls, args: dict, emit=None) -> dict:
    """A reader process: at least ``reads`` lookups, for at least ``seconds``."""
    reader = Reader(store, calls, args["ids"], f"reader process {args['worker']}")
    until = time.monotonic() + args["seconds"]
    while reader.reads < args["reads"] or time.monotonic() < until:
        reader.step()
    return reader.report()


def save_until_stopped(store, calls, args: dict, emit=None) -> dict:
    """A writer process: saves until the launcher closes the stop pipe (and at least ``least`` times)."""
    stop = calls.stop_fd

    def stopped() -> bool:
        return bool(select.select([stop], [], [], 0)[0])

    return keep_saving(
        store,
        calls,
        args["names"],
        args["worker"],
        args["least"],
        stopped,
        f"writer process {args['worker']}",
    )


ROLES = {
    "snapshot": snapshot,
    "snapshot_and_clear": snapshot_and_clear,
    "threads_distinct": threads_distinct,
    "threads_same_user": threads_same_user,
    "threads_read": threads_read,
    "save_many": save_many,
    "save_one": save_one,
    "read_times": read_times,
    "save_until_stopped": save_until_stopped,
}
