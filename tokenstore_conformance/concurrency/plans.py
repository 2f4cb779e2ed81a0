"""The tokens a concurrency check saves, derived from numbers so that any record can be read back.

Every save of a check is a *version*: a user name and a serial number unique
within the check. The serial is written into each of the four token fields
(refresh, access and grant token, and the expiry), so a record read back tells
which save each of its fields came from: a record whose fields name two serials
mixes two saves. Writers and the checks that judge them use these functions
alike, so a worker reports only what it saved and what the store answered.
"""

from __future__ import annotations

import re

from ..records import CLIENT, REDIRECT_URL
from .target import TokenRecord, make_token, record_of

API_DOMAIN = "http://127.0.0.1:9"
EXPIRY_BASE = 1767225600000
# The four fields that carry a version's serial, and how to read it back from each.
TAGGED = ("refresh_token", "access_token", "grant_token", "expires_in")
_SERIAL = {
    "refresh_token": re.compile(r"^1000\.refresh\.(\d+)\.[0-9a-f]+$"),
    "access_token": re.compile(r"^1000\.access\.(\d+)\.[0-9a-f]+$"),
    "grant_token": re.compile(r"^1000\.grant\.(\d+)\.[0-9a-f]+$"),
}


# Serials of one worker (a thread or a process) start at worker * STRIDE + 1.
STRIDE = 100_000


def serial_of(worker: int, n: int) -> int:
    """The serial of the n-th save of one worker: unique within a check, and it names the worker."""
    return 1 + worker * STRIDE + n


def worker_of(serial: int) -> int:
    return (serial - 1) // STRIDE


def user(group: str, worker: int, k: int) -> str:
    """The user name of the k-th user of one worker (a thread or a process) of a check."""
    return f"{group}{worker}-{k}@conc.example.test"


def values(name: str, serial: int) -> dict[str, str]:
    """All fields but the id of one version: every token field carries the serial."""
    salt = f"{(serial * 2654435761) % 2**32:08x}"
    return {
        "user_name": name,
        "client_id": CLIENT["client_id"],
        "client_secret": CLIENT["client_secret"],
        "refresh_token": f"1000.refresh.{serial}.{salt}",
        "access_token": f"1000.access.{serial}.{salt}",
        "grant_token": f"1000.grant.{serial}.{salt}",
        "expires_in": str(EXPIRY_BASE + serial),
        "redirect_url": REDIRECT_URL,
        "api_domain": API_DOMAIN,
    }


def token(name: str, serial: int):
    """A full token of one version, without an id: saved by user name, as the SDK saves a refresh."""
    return make_token(**values(name, serial))


def expected(name: str, serial: int, record_id: str | None) -> TokenRecord:
    return TokenRecord(id=record_id, **values(name, serial))


def serials(record: TokenRecord) -> dict[str, int | None]:
    """The serial each tagged field of a record names (None: a value no version of this check has)."""
    found: dict[str, int | None] = {}
    for field in TAGGED:
        value = getattr(record, field)
        if field == "expires_in":
            found[field] = int(value) - EXPIRY_BASE if value is not None and value.isdigit() else None
            continue
        match = _SERIAL[field].match(value or "")
        found[field] = int(match.group(1)) if match else None
    return found


def version_of(record: TokenRecord) -> int | None:
    """The serial of the save a record holds whole, or None if its fields mix saves or are foreign."""
    found = set(serials(record).values())
    if len(found) != 1 or None in found:
        return None
    serial = found.pop()
    if record.user_name is None or TokenRecord(id=record.id, **values(record.user_name, serial)) != record:
        return None
    return serial


def describe_mix(record: TokenRecord) -> str:
    """Which save each field of a record that is not one whole save came from."""
    parts = [
        f"{field} from save #{serial}" if serial is not None else f"{field} {getattr(record, field)!r}"
        for field, serial in serials(record).items()
    ]
    return ", ".join(parts)


def to_json(record: TokenRecord) -> list[str | None]:
    return [record.id, *(getattr(record, f) for f in TokenRecord.__dataclass_fields__ if f != "id")]


def from_json(row: list[str | None]) -> TokenRecord:
    names = list(TokenRecord.__dataclass_fields__)
    return TokenRecord(**dict(zip(names, row, strict=False)))


def snapshot(token_object: object) -> list[str | None]:
    """A token the store returned, as JSON for the trip back to the parent."""
    return to_json(record_of(token_object))
