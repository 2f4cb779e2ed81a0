"""Judging updates of one record by two processes, and what an older instance sees of other processes."""

from __future__ import annotations

from . import plans
from .process_roles import OWNED
from .target import TokenRecord
from .verdicts import Problems, by_user, records_of


def update(result: dict) -> tuple[str, list[str]]:
    """Both writers' fields survive: each read back its own last write, and the final record has both."""
    problems = Problems()
    seeds = result["seeds"]
    for name, _, _, error in seeds:
        if error:
            problems.add("saving the records to update failed", f"{name}: {error}")
    pairs = len(seeds)
    headline = (
        f"{2 * pairs} processes updated {pairs} records in pairs at once, one process of each pair "
        f"access_token and expires_in, the other refresh_token, each leaving the other's fields None"
    )
    if "writers" not in result:
        return headline, problems.lines() or ["a seed save returned no id"]
    writers = result["writers"]
    for index, writer in enumerate(writers):
        for error in writer["errors"]:
            problems.add("a call raised", f"process {index}: {error}")
        for seen in writer["violations"]:
            problems.add(
                "an update was lost",
                f"process {index} read back {_fields(seen['found'])} before its update {seen['after']}, "
                f"where its last update had written {_fields(seen['expected'])}",
            )
    records = records_of(result["final"], problems)
    if records is None:
        return headline, problems.lines()
    grouped = by_user(records)
    for pair, (name, serial, record_id, _) in enumerate(seeds):
        held = grouped.get(name, [])
        if len(held) != 1:
            problems.add("records per user", f"{name} has {len(held)} records, expected 1")
            continue
        want = plans.expected(name, serial, record_id).replace(
            **(writers[2 * pair]["last"] or {}), **(writers[2 * pair + 1]["last"] or {})
        )
        for field in TokenRecord.__dataclass_fields__:
            got, wanted = getattr(held[0], field), getattr(want, field)
            if got != wanted:
                owner = next(
                    (f"process {2 * pair + i}" for i, s in enumerate(OWNED) if field in OWNED[s]), "the seed"
                )
                problems.add(
                    "fields lost in the end", f"{name}: {field} is {got!r}, {owner} last wrote {wanted!r}"
                )
    return headline, problems.lines()


def _fields(values: dict[str, str | None]) -> str:
    return ", ".join(f"{field} {value!r}" for field, value in values.items())


def visible(result: dict) -> tuple[str, list[str]]:
    """An instance built before another process saved sees that save on its next lookups."""
    problems = Problems()
    for name, _, _, error in [*result["seeded"], *result["saved"]]:
        if error:
            problems.add("a save raised", f"{name}: {error}")
    old_name, old_serial, old_id, _ = result["seeded"][0]
    _, new_version, _, _ = result["saved"][0]
    new_name, new_serial, new_id, _ = result["saved"][1]
    headline = (
        f"process 0 built an instance and saved {old_name} (save #{old_serial}); then process 1 updated "
        f"{old_name} (save #{new_version}) and saved {new_name} (save #{new_serial}); on its next lookups "
        "process 0's instance"
    )
    if problems:
        return headline, problems.lines()
    want = {
        old_name: plans.expected(old_name, new_version, old_id),
        new_name: plans.expected(new_name, new_serial, new_id),
    }
    seen = result["seen"]
    lookups = [(f"find_token({n})", want[n]) for n in want]
    lookups += [(f"find_token_by_id({r.id})", r) for r in want.values() if r.id]
    for call, wanted in lookups:
        got = seen.get(call)
        if isinstance(got, dict):
            problems.add(f"{call} raised", got["error"])
        elif got is None:
            problems.add("missed", f"{call} found nothing")
        elif plans.from_json(got) != wanted:
            problems.add(
                "answered from an old copy",
                f"{call} returned {_describe(plans.from_json(got))}, expected save #{plans.version_of(wanted)}",
            )
    records = records_of(seen["get_tokens()"], problems)
    if records is not None and sorted(records, key=repr) != sorted(want.values(), key=repr):
        listed = ", ".join(_describe(r) for r in records) or "nothing"
        problems.add("get_tokens is stale", f"it lists {listed}")
    return headline, problems.lines()


def _describe(record: TokenRecord) -> str:
    serial = plans.version_of(record)
    return f"{record.user_name} save #{serial}" if serial is not None else repr(record)
