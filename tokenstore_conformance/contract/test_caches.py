"""Warm caches: a read made just after a write answers as it would have without the reads before it.

A store that caches often invalidates only the path it thought of: the
listing on a save but not on a delete, the user-name lookup when the user
saves but not when ``delete_token`` names only an id, the lookup by an old
access token never, a miss remembered after a login made it a hit. Each test
makes one write twice, on two pairs of users (on one user each time for a
store declared single-user): once cold, once after reading every path
(``find_token`` by each key, by the values about to arrive,
``find_token_by_id``, ``get_tokens``), and then reads every path. The answers
after the write must not depend on the reads before it; a fault that shows
cold as well is left to the clauses that are about it.
"""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import (
    CLIENT,
    FIELD_NAMES,
    KEY_BY_FIELD,
    KEYS,
    Observed,
    TokenRecord,
    first_difference,
    listing,
    make_token,
    record_of,
    save,
    save_user,
)

clause = pytest.mark.clause

# The values a write brings (each run adds its own suffix), by field.
NEW = {
    "user_name": "renamed@example.test",
    "access_token": "1000.access.after-write",
    "refresh_token": "1000.refresh.after-write",
    "grant_token": "1000.grant.after-write",
    "expires_in": "17672292000",
}
WRITES = {
    "delete_token": (),
    "delete_tokens": (),
    "refresh-by-id": ("access_token", "refresh_token", "expires_in"),
    "refresh-by-refresh-token": ("access_token",),
    "new-login-by-user-name": ("grant_token", "access_token", "refresh_token"),
    "rename-by-id": ("user_name",),
}


def _write(store, one: TokenRecord, write: str, new: dict[str, str]) -> None:
    changes = {field: new[field] for field in WRITES[write]}
    if write == "delete_token":
        store.delete_token(one.id)
    elif write == "delete_tokens":
        store.delete_tokens()
    elif write == "refresh-by-refresh-token":
        save(store, **CLIENT, refresh_token=one.refresh_token, **changes)
    elif write == "new-login-by-user-name":
        save(store, user_name=one.user_name, **CLIENT, **changes)
    else:
        save(store, id=one.id, **changes)


def _found(store, field: str, value: str) -> TokenRecord | None:
    query = {field: value, **(CLIENT if KEY_BY_FIELD[field].credentials == "both" else {})}
    found = store.find_token(make_token(**query))
    return record_of(found) if found is not None else None


def _by_id(store, rid: str) -> TokenRecord | None:
    found = store.find_token_by_id(rid)
    return record_of(found) if found is not None else None


def _scenario(store, numbers: tuple[int, ...], write: str, warm: bool) -> Observed:
    """The write goes to the first user's record; a second user (unless the store is single-user) looks on."""
    before = {r.id for r in listing(store)}
    users = [record_of(save_user(store, n)) for n in numbers]
    one = users[0]
    new = {field: f"{value}.{numbers[0]}" for field, value in NEW.items()}
    probes = [
        (f"user {i}'s {field}", field, getattr(r, field)) for i, r in enumerate(users, 1) for field in KEYS
    ]
    probes += [(f"the {field} the write brings", field, new[field]) for field in KEYS if field in new]
    seen = Observed()
    for record in users:
        seen.known_record(record)
    seen.known(*(new[field] for field in FIELD_NAMES if field in new))

    def read_every_path(into: Observed, when: str) -> None:
        for whose, field, value in probes:
            into.read(f"{when}, find_token by {whose}", lambda f=field, v=value: _found(store, f, v))
        for i, record in enumerate(users, 1):
            into.read(f"{when}, find_token_by_id of user {i}", lambda r=record: _by_id(store, r.id))
        into.read(f"{when}, get_tokens", lambda: [r for r in listing(store) if r.id not in before])

    if warm:
        read_every_path(Observed(), "before the write")
    seen.write(write, lambda: _write(store, one, write, new))
    read_every_path(seen, f"after {write}")
    for record in listing(store):
        if record.id not in before:
            store.delete_token(record.id)
    return seen


@clause("READ-AFTER-WRITE")
@pytest.mark.parametrize("write", list(WRITES))
def test_every_read_path_sees_a_write_made_just_after_it_was_read(token_store, single_user, write):
    cold = _scenario(token_store, (3,) if single_user else (3, 4), write, warm=False)
    warm = _scenario(token_store, (1,) if single_user else (1, 2), write, warm=True)
    difference = first_difference(cold, warm)
    assert difference is None, f"with every path read just before the write: {difference}"
