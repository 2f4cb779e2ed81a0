"""Judging what the workers of a check logged: exact invariants, said in the store's terms.

Every judgement compares the store's records with what each writer logged as
returned, so a correct store passes every time whatever the interleaving, and
a message names users, saves and workers: "lost t3-7@... (saved by thread 3,
save_token returned)". Each function returns the list of problems found; an
empty list means the clause held.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from . import plans
from .target import TokenRecord

LIMIT = 5  # examples shown of each kind of problem


class Problems:
    """Problems grouped by kind, each kind shown with a few examples and a count."""

    def __init__(self) -> None:
        self._kinds: dict[str, list[str]] = {}

    def add(self, kind: str, example: str) -> None:
        examples = self._kinds.setdefault(kind, [])
        if example not in examples:
            examples.append(example)

    def lines(self) -> list[str]:
        out = []
        for kind, examples in self._kinds.items():
            shown = "; ".join(examples[:LIMIT])
            more = f"; and {len(examples) - LIMIT} more" if len(examples) > LIMIT else ""
            out.append(
                f"{kind} ({len(examples)}): {shown}{more}" if len(examples) > 1 else f"{kind}: {shown}"
            )
        return out

    def __bool__(self) -> bool:
        return bool(self._kinds)


def plural(unit: str) -> str:
    return unit + ("es" if unit.endswith("s") else "s")


def who(serial: int, unit: str) -> str:
    return f"{unit} {plans.worker_of(serial)}"


def mix(record: TokenRecord, unit: str) -> str:
    """Which save each tagged field of a torn record came from."""
    parts = []
    for field, serial in plans.serials(record).items():
        source = (
            f"save #{serial} ({who(serial, unit)})" if serial is not None else repr(getattr(record, field))
        )
        parts.append(f"{field} from {source}")
    return ", ".join(parts)


def records_of(final: dict, problems: Problems, call: str = "get_tokens") -> list[TokenRecord] | None:
    if "error" in final:
        problems.add(f"{call} raised", final["error"])
        return None
    return [plans.from_json(row) for row in final["records"]]


def entries_of(logs: list, unit: str, problems: Problems) -> list[list]:
    """All save log entries; a worker that stopped early and every save that raised are problems."""
    entries: list[list] = []
    for index, log in enumerate(logs):
        if isinstance(log, dict):
            problems.add(f"a {unit} stopped", f"{unit} {index}: {log.get('crashed')}")
            continue
        entries += log
    for name, serial, _, error in entries:
        if error:
            problems.add("save_token raised", f"{name} in {who(serial, unit)}: {error}")
    return entries


def check_ids(records: list[TokenRecord], problems: Problems) -> None:
    counts = Counter(r.id for r in records)
    for record_id, count in counts.items():
        if not record_id:
            problems.add("records without an id", f"{count} record(s) with id {record_id!r}")
        elif count > 1:
            users = sorted(r.user_name or "?" for r in records if r.id == record_id)
            problems.add("ids shared by several records", f"id {record_id!r} by {', '.join(users)}")


def by_user(records: list[TokenRecord]) -> dict[str | None, list[TokenRecord]]:
    grouped: dict[str | None, list[TokenRecord]] = defaultdict(list)
    for record in records:
        grouped[record.user_name].append(record)
    return grouped


def distinct(result: dict, unit: str) -> tuple[str, list[str]]:
    """Every user exactly one record, holding the last save that returned, under its first id."""
    problems = Problems()
    entries = entries_of(result["logs"], unit, problems)
    records = records_of(result["final"], problems)
    users = {e[0] for e in entries}
    headline = f"{len(result['logs'])} {plural(unit)} saved {len(users)} distinct users at once ({len(entries)} saves)"
    if records is None:
        return headline, problems.lines()
    last: dict[str, list] = {}
    first_id: dict[str, str | None] = {}
    for entry in entries:
        if not entry[3]:
            last[entry[0]] = entry
            if entry[2]:
                first_id.setdefault(entry[0], entry[2])
    grouped = by_user(records)
    for name, entry in sorted(last.items()):
        held = grouped.get(name, [])
        if not held:
            problems.add("lost", f"{name} (saved by {who(entry[1], unit)}, save_token returned)")
        elif len(held) > 1:
            problems.add("duplicated", f"{name} has {len(held)} records")
        else:
            _judge_record(held[0], entry[1], first_id.get(name), unit, problems)
    for name, held in grouped.items():
        if name not in users:
            problems.add("records nobody saved", f"{held[0]}")
    check_ids(records, problems)
    lost = Counter(plans.worker_of(entry[1]) for name, entry in last.items() if name not in grouped)
    if lost:
        saved = Counter(plans.worker_of(entry[1]) for entry in last.values())
        shares = ", ".join(f"{lost[w]} of {unit} {w}'s {saved[w]}" for w in sorted(lost))
        problems.add("lost users by the worker that saved them", shares)
    return f"{headline}; the store holds {len(records)} records", problems.lines()


def _judge_record(
    record: TokenRecord, serial: int, record_id: str | None, unit: str, problems: Problems
) -> None:
    held = plans.version_of(record)
    if held is None:
        problems.add("torn records", f"{record.user_name}: {mix(record, unit)}")
    elif held != serial:
        problems.add(
            "stale or foreign records",
            f"{record.user_name} holds save #{held} ({who(held, unit)}), not its last save #{serial}",
        )
    if record_id and record.id != record_id:
        problems.add("ids changed", f"{record.user_name} has id {record.id!r}, first saved as {record_id!r}")


def same_user(result: dict, unit: str) -> tuple[str, list[str]]:
    """Each user saved by all workers at once has one record, equal to one of the saves."""
    problems = Problems()
    entries = entries_of(result["logs"], unit, problems)
    records = records_of(result["final"], problems)
    attempted: dict[str, set[int]] = defaultdict(set)
    returned: dict[str, int] = Counter()
    for name, serial, _, error in entries:
        attempted[name].add(serial)
        returned[name] += not error
    headline = f"{len(result['logs'])} {plural(unit)} saved the same user at once, {len(attempted)} times (a new user each time)"
    if "rounds" in result:
        # A single-user store, read and emptied after every round: each round's user alone is judged.
        for taken in result["rounds"]:
            if "clear_error" in taken:
                problems.add("delete_tokens raised between rounds", taken["clear_error"])
            held = records_of(taken, problems)
            if held is not None:
                _judge_users(held, {taken["name"]: attempted[taken["name"]]}, returned, unit, problems)
        return f"{headline}; the store was read and emptied after each round (single-user)", problems.lines()
    if records is None:
        return headline, problems.lines()
    _judge_users(records, attempted, returned, unit, problems)
    return f"{headline}; the store holds {len(records)} records for {len(attempted)} users", problems.lines()


def _judge_users(
    records: list[TokenRecord],
    attempted: dict[str, set[int]],
    returned: Counter,
    unit: str,
    problems: Problems,
) -> None:
    """Each attempted user has one record, equal to one of its saves, and nobody else has one."""
    grouped = by_user(records)
    for name in sorted(attempted):
        held = grouped.get(name, [])
        if not held and returned[name]:
            problems.add("lost", f"{name} has no record though {returned[name]} saves returned")
        elif len(held) > 1:
            problems.add("duplicated", f"{name} has {len(held)} records")
        for record in held:
            serial = plans.version_of(record)
            if serial is None:
                problems.add("torn records", f"{name}: {mix(record, unit)}")
            elif serial not in attempted[name]:
                problems.add("foreign records", f"{name} holds save #{serial}, never saved for it")
    for name, held in grouped.items():
        if name not in attempted:
            problems.add("records nobody saved", f"{held[0]}")
    check_ids(records, problems)


def read(result: dict, unit: str, group: str, users: int) -> tuple[str, list[str]]:
    """Readers never saw a torn record, a miss or an exception, and only versions that were saved."""
    problems = Problems()
    for name, _, _, error in result["seeds"]:
        if error:
            problems.add("saving the users to read failed", f"{name}: {error}")
    if "readers" not in result:
        return "the users to read could not be saved", problems.lines() or ["a seed save returned no id"]
    names = [plans.user(group, 0, k) for k in range(users)]
    counts = {w + 1: writer.get("count", 0) for w, writer in enumerate(result["writers"])}
    for writer in result["writers"]:
        if "crashed" in writer:
            problems.add(f"a writer {unit} stopped", writer["crashed"])
        for name, serial, _, error in writer.get("errors", []):
            problems.add("save_token raised", f"{name} in {who(serial, 'writer')}: {error}")
    reads = 0
    for reader in result["readers"]:
        if "crashed" in reader:
            problems.add(f"a reader {unit} stopped", reader["crashed"])
            continue
        reads += reader["reads"]
        for v in reader["violations"]:
            problems.add(
                _VIOLATION[v["kind"]].format(call=v["call"]),
                f"{v['user']} ({v['who']}) {v['detail']}".strip(),
            )
        for name, serial in reader["seen"]:
            worker, n = plans.worker_of(serial), (serial - 1) % plans.STRIDE
            planned = n < users if worker == 0 else n < counts.get(worker, 0)
            if not planned or names[n % users] != name:
                problems.add(
                    "a lookup returned a version never saved for that user", f"{name}: save #{serial}"
                )
    saves = sum(counts.values())
    headline = (
        f"{len(result['readers'])} reader {plural(unit)} made {reads} lookups while {len(counts)} writer {plural(unit)} "
        f"saved {saves} updates of {users} users"
    )
    return headline, problems.lines()


_VIOLATION = {
    "miss": "{call} missed an existing user",
    "mixed": "{call} returned a record that mixes two saves",
    "id": "{call} returned a record under another id",
    "duplicate": "{call} listed a user twice",
    "exception": "{call} raised",
}
