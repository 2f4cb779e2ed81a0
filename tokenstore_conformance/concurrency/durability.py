"""Judging the storage a killed process left behind.

The victim saves versions of a few users in a fixed order and reports each
save that returned. At most one save was in flight when it was killed: the
one after the last reported (it may even have returned unreported). So after
every kill each user's record is known exactly, up to that one save: it must
hold the user's last returned save, or the in-flight one, whole.
"""

from __future__ import annotations

from . import plans
from .verdicts import Problems, by_user, mix, records_of

ABSENT = None


def crash(result: dict) -> tuple[str, list[str]]:
    names = result["names"]
    rounds = result["rounds"]
    allowed: dict[str, set[int | None]] = {name: {ABSENT} for name in names}
    ids: dict[str, str | None] = {}
    total = len(rounds)
    for number, round_ in enumerate(rounds, 1):
        problems = Problems()
        returned = round_["returned"]
        headline = (
            f"a process saving versions of {len(names)} users in turn was killed with SIGKILL "
            f"{round_['delay_ms']:g} ms after it began (kill {number} of {total}), after {len(returned)} saves "
            "had returned; a new instance then"
        )
        for name, serial, record_id, error in returned:
            if error:
                problems.add("save_token raised", f"{name} (save #{serial}): {error}")
                allowed[name] = allowed[name] | {serial}
            else:
                allowed[name] = {serial}
                if record_id:
                    ids.setdefault(name, record_id)
        in_flight = round_["first"] + len(returned)
        flying_name = names[len(returned) % len(names)]
        allowed[flying_name] = allowed[flying_name] | {in_flight}
        if "opened" in round_:
            opened = round_["opened"]
            reason = opened.get("build_error") or opened.get("died") or opened.get("hung") or opened
            problems.add("could not open the storage", str(reason))
            return headline, problems.lines()
        records = records_of(round_["final"], problems)
        if records is None:
            return headline, problems.lines()
        _judge(records, names, allowed, ids, in_flight, problems)
        if problems:
            return headline, problems.lines()
    return f"{total} kills of a saving process left whole, complete storage", []


def _judge(records, names, allowed, ids, in_flight, problems: Problems) -> None:
    grouped = by_user(records)
    for name in names:
        held = grouped.get(name, [])
        if len(held) > 1:
            problems.add("duplicated", f"{name} has {len(held)} records")
            continue
        if not held:
            if ABSENT not in allowed[name]:
                last = max((s for s in allowed[name] if s is not None and s != in_flight), default=None)
                problems.add("lost", f"{name}: save #{last} had returned before the kill")
            allowed[name] = {ABSENT}
            continue
        record = held[0]
        serial = plans.version_of(record)
        if serial is None:
            problems.add("torn records", f"{name}: {mix(record, 'kill')}")
        elif serial not in allowed[name]:
            expected = " or ".join(f"#{s}" for s in sorted(s for s in allowed[name] if s is not None))
            problems.add("stale records", f"{name} holds save #{serial}, expected {expected or 'no record'}")
        if ids.get(name) and record.id != ids[name]:
            problems.add("ids changed", f"{name} has id {record.id!r}, first saved as {ids[name]!r}")
        if record.id:
            ids.setdefault(name, record.id)
        allowed[name] = {serial}
    for name, held in grouped.items():
        if name not in allowed:
            problems.add("records nobody saved", repr(held[0]))
