"""What each check makes its actors do, in order; run inside the launcher, never in pytest.

A scenario returns the raw logs (what was saved, what each call returned,
what a fresh instance holds afterwards) as JSON; ``verdicts`` judges them in
the pytest process. A scenario that cannot go on (an actor could not build its
store, crashed, hung) returns that problem instead, under the key ``problem``.
"""

from __future__ import annotations

import random
import time

from . import plans
from .troupe import Actor, DeadlineExceeded, Troupe


class Stop(Exception):
    """An actor's answer that ends the scenario: it failed to build, died, hung or erred."""

    def __init__(self, answer: dict) -> None:
        super().__init__(str(answer))
        self.answer = answer


def _check(answers: dict[int, dict]) -> dict[int, object]:
    """The results of a gather, or Stop with the first answer that is not one."""
    for index in sorted(answers):
        if "result" not in answers[index] and "ready" not in answers[index]:
            raise Stop(dict(answers[index], actor=index))
    return {i: a.get("result") for i, a in answers.items()}


def _hire(troupe: Troupe, count: int) -> list[Actor]:
    actors = troupe.hire(count)
    _check(troupe.gather(actors))
    return actors


def _ask(troupe: Troupe, actors: list[Actor], role: str, args) -> list:
    troupe.send(actors, role, args)
    results = _check(troupe.gather(actors))
    return [results[a.index] for a in actors]


def _fresh_snapshot(troupe: Troupe) -> dict:
    """What a new instance, built after everything else, holds."""
    (reader,) = _hire(troupe, 1)
    (final,) = _ask(troupe, [reader], "snapshot", {})
    troupe.dismiss([reader])
    return final


def threads_distinct(troupe: Troupe, threads: int, per_thread: int) -> dict:
    (actor,) = _hire(troupe, 1)
    (result,) = _ask(
        troupe, [actor], "threads_distinct", {"group": "t", "threads": threads, "per_thread": per_thread}
    )
    return result


def threads_same_user(
    troupe: Troupe, threads: int, rounds: int, most: int, seconds: float, single_user: bool = False
) -> dict:
    (actor,) = _hire(troupe, 1)
    args = {"group": "s", "threads": threads, "rounds": rounds, "most": most, "seconds": seconds}
    args["single_user"] = single_user
    (result,) = _ask(troupe, [actor], "threads_same_user", args)
    return result


def threads_read(troupe: Troupe, **params) -> dict:
    (actor,) = _hire(troupe, 1)
    (result,) = _ask(troupe, [actor], "threads_read", dict(params, group="r"))
    return result


def proc_distinct(troupe: Troupe, processes: int, per_process: int) -> dict:
    actors = _hire(troupe, processes)
    args = [{"group": "p", "worker": i, "count": per_process} for i in range(processes)]
    logs = _ask(troupe, actors, "save_many", args)
    troupe.dismiss(actors)
    return {"logs": logs, "final": _fresh_snapshot(troupe)}


def proc_same_user(
    troupe: Troupe, processes: int, rounds: int, most: int, seconds: float, single_user: bool = False
) -> dict:
    """Rounds as in the thread check: at least ``rounds``, more while ``seconds`` have not passed.

    For a single-user store each round's records are read, and the store emptied, after the round.
    """
    actors = _hire(troupe, processes)
    logs: list[list] = [[] for _ in actors]
    taken: list[dict] = []
    started = time.monotonic()
    for r in range(most):
        if r >= rounds and time.monotonic() - started >= seconds:
            break
        name = plans.user("q", 0, r)
        args = [{"name": name, "serial": plans.serial_of(i, r), "worker": i} for i in range(processes)]
        for i, entry in enumerate(_ask(troupe, actors, "save_one", args)):
            logs[i].append(entry)
        if single_user:
            (round_records,) = _ask(troupe, actors[:1], "snapshot_and_clear", {})
            taken.append({"name": name, **round_records})
    troupe.dismiss(actors)
    return {"logs": logs, "final": _fresh_snapshot(troupe), **({"rounds": taken} if single_user else {})}


def proc_read(
    troupe: Troupe, writers: int, readers: int, users: int, saves: int, reads: int, seconds: float
) -> dict:
    """Writer processes keep updating seeded users until every reader process has made its lookups."""
    actors = _hire(troupe, writers + readers)
    names = [plans.user("m", 0, k) for k in range(users)]
    versions = [[n, plans.serial_of(0, k)] for k, n in enumerate(names)]
    (seeds,) = _ask(troupe, actors[:1], "save_versions", {"worker": 0, "versions": versions})
    if any(entry[3] or not entry[2] for entry in seeds):
        return {"seeds": seeds}
    ids = {entry[0]: entry[2] for entry in seeds}
    troupe.send(
        actors[:writers],
        "save_until_stopped",
        [{"names": names, "worker": w + 1, "least": saves} for w in range(writers)],
    )
    found = _ask(
        troupe,
        actors[writers:],
        "read_times",
        [{"worker": r, "ids": ids, "reads": reads, "seconds": seconds} for r in range(readers)],
    )
    troupe.signal_stop()
    results = _check(troupe.gather(actors[:writers]))
    return {"seeds": seeds, "writers": [results[a.index] for a in actors[:writers]], "readers": found}


def proc_update(troupe: Troupe, pairs: int, updates: int) -> dict:
    actors = _hire(troupe, 2 * pairs)
    names = [plans.user("u", 0, i) for i in range(pairs)]
    (seeds,) = _ask(
        troupe,
        actors[:1],
        "save_versions",
        {"worker": 0, "versions": [[n, plans.serial_of(0, i)] for i, n in enumerate(names)]},
    )
    if any(entry[3] or not entry[2] for entry in seeds):
        return {"seeds": seeds}
    writers = [{"last": None, "violations": [], "errors": []} for _ in actors]
    for n in range(updates):
        args = [
            {
                "name": names[i // 2],
                "id": seeds[i // 2][2],
                "side": ("access", "refresh")[i % 2],
                "worker": i,
                "n": n,
                "last": writers[i]["last"],
            }
            for i in range(2 * pairs)
        ]
        for writer, answer in zip(writers, _ask(troupe, actors, "update_step", args), strict=False):
            if answer["found"] is not None and answer["found"] != writer["last"]:
                writer["violations"].append(
                    {"expected": writer["last"], "found": answer["found"], "after": n}
                )
            if answer["error"]:
                writer["errors"].append(answer["error"])
            if answer["saved"] is not None:
                writer["last"] = answer["saved"]
    troupe.dismiss(actors)
    return {"seeds": seeds, "writers": writers, "final": _fresh_snapshot(troupe)}


def proc_visible(troupe: Troupe) -> dict:
    first, second = _hire(troupe, 2)
    old, new = plans.user("v", 0, 0), plans.user("v", 1, 0)
    (seeded,) = _ask(
        troupe, [first], "save_versions", {"worker": 0, "versions": [[old, plans.serial_of(0, 0)]]}
    )
    (warm,) = _ask(troupe, [first], "lookups", {"names": [old], "ids": [seeded[0][2]]})
    versions = [[old, plans.serial_of(1, 0)], [new, plans.serial_of(1, 1)]]
    (saved,) = _ask(troupe, [second], "save_versions", {"worker": 1, "versions": versions})
    ids = [seeded[0][2], saved[1][2]]
    (seen,) = _ask(troupe, [first], "lookups", {"names": [old, new], "ids": [i for i in ids if i]})
    return {"seeded": seeded, "warm": warm, "saved": saved, "seen": seen}


def crash(troupe: Troupe, cycles: int, users: int, kill_after_ms: list[float], seed: int) -> dict:
    """Kill a saving process at a random moment, then open the storage with a new instance; repeat."""
    draw = random.Random(seed)
    names = [plans.user("c", 0, k) for k in range(users)]
    rounds = []
    for cycle in range(cycles):
        (victim,) = _hire(troupe, 1)
        first = plans.serial_of(cycle + 1, 0)  # the serial names the kill
        troupe.send([victim], "save_forever", {"names": names, "first_serial": first})
        started = troupe.gather([victim])[victim.index]
        delay = draw.uniform(*kill_after_ms) / 1000
        troupe.stream(victim, time.monotonic() + delay)
        troupe.kill(victim)
        returned = [m["returned"] for m in victim.messages if "returned" in m]
        refused = next((m for m in [started, *victim.messages] if "refused" in m), None)
        if refused is not None:
            raise Stop(dict(refused, actor=victim.index))
        if "saving" not in started or victim.death != "killed by SIGKILL":
            problem = started if "saving" not in started else {"died": victim.death, "doing": "save_forever"}
            raise Stop(dict(problem, actor=victim.index))
        rounds.append({"first": first, "returned": returned, "delay_ms": round(delay * 1000, 1)})
        (verifier,) = troupe.hire(1)
        ready = troupe.gather([verifier])[verifier.index]
        if "ready" not in ready:
            rounds[-1]["opened"] = ready
            break
        (rounds[-1]["final"],) = _ask(troupe, [verifier], "snapshot", {})
        troupe.dismiss([verifier])
    return {"names": names, "rounds": rounds}


def run_refresh(troupe, workers: int, url: str, accounts_url: str, tokens: list[dict], shared: int) -> dict:
    """FLOW-CONCURRENT-REFRESH, in the launcher: seed, then every worker refreshes the shared user and its own."""
    actors = _hire(troupe, workers)
    (seeded,) = _ask(troupe, actors[:1], "seed", {"tokens": tokens})
    if any(error or not record_id for _, record_id, error in seeded):
        return {"seeded": seeded}
    own = [t for i, t in enumerate(tokens) if i != shared]
    args = [
        {"url": url, "accounts_url": accounts_url, "users": [own[i], tokens[shared]]} for i in range(workers)
    ]
    answers = _ask(troupe, actors, "refresh_and_call", args)
    troupe.dismiss(actors)
    return {"seeded": seeded, "workers": answers, "final": _fresh_snapshot(troupe)}


SCENARIOS = {
    "threads-distinct": threads_distinct,
    "threads-same-user": threads_same_user,
    "threads-read": threads_read,
    "proc-distinct": proc_distinct,
    "proc-same-user": proc_same_user,
    "proc-read": proc_read,
    "proc-update": proc_update,
    "proc-visible": proc_visible,
    "crash": crash,
    "flow-refresh": run_refresh,
}


def run(name: str, target: dict, params: dict, seconds: float) -> dict:
    """Run one scenario under a hard deadline; every actor is reaped before this returns."""
    troupe = Troupe(target, time.monotonic() + seconds)
    started = time.monotonic()
    try:
        result = SCENARIOS[name](troupe, **params)
    except Stop as stop:
        result = {"problem": stop.answer}
    except DeadlineExceeded as exc:
        result = {"problem": {"deadline": seconds, "waiting": {str(k): v for k, v in exc.waiting.items()}}}
    finally:
        troupe.close()
    result["seconds"] = round(time.monotonic() - started, 3)
    return result
