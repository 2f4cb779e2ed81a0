"""User names are compared exactly: a near-duplicate name is another user on save, find and delete.

Each case is one pair of names that some real comparison takes for one name
(a case-insensitive collation, casefold, Unicode normalisation, strip, e-mail
canonicalisation, LIKE, a truncating column); ``records/names.py`` says which.
The test runs one scenario (two users sign in, each is looked up, one signs
out, the other saves again) twice: with the pair, and with a control pair of
names just as long and odd but plainly different. The store must treat both
pairs alike; a fault that shows with any two names shows in both runs and is
left to the clauses that are about it.
"""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import (
    Observed,
    first_difference,
    listing,
    make_token,
    near_duplicate_pairs,
    record_of,
    save,
    user_values,
)

clause = pytest.mark.clause

PAIRS = near_duplicate_pairs()


def _control(name: str, other: str) -> tuple[str, str]:
    """Two names as long and as odd as the pair, whose first characters differ in every comparison."""
    return "q" + name[1:], "w" + other[1:]


def _scenario(store, first: str, second: str, numbers: tuple[int, int]) -> Observed:
    seen = Observed()
    before = {r.id for r in listing(store)}
    values = [user_values(n, user_name=name) for n, name in zip(numbers, (first, second), strict=True)]
    later = f"1000.access.after-delete.{numbers[0]}"
    for each in values:
        seen.known(*each.values())
    seen.known(later)
    ids: list[str] = []

    def mine():
        return [r for r in listing(store) if r.id not in before]

    def find(name: str):
        found = store.find_token(make_token(user_name=name))
        return record_of(found) if found is not None else None

    def saved(each: dict) -> None:
        token = save(store, **each)
        seen.known(token.get_id())
        ids.append(token.get_id())

    seen.write("save_token of the first user", lambda: saved(values[0]))
    seen.read("find_token by the second name while only the first is stored", lambda: find(second))
    seen.write("save_token of the second user", lambda: saved(values[1]))
    seen.read("get_tokens after both users signed in", mine)
    seen.read("find_token by the first name", lambda: find(first))
    seen.read("find_token by the second name", lambda: find(second))
    seen.write("delete_token of the first user's id", lambda: store.delete_token(ids[0]))
    seen.read("get_tokens after the first user signed out", mine)
    seen.read("find_token by the second name after the first user signed out", lambda: find(second))
    seen.write("save_token by the second name", lambda: save(store, user_name=second, access_token=later))
    seen.read("get_tokens after the second user saved again", mine)
    for record in mine():
        store.delete_token(record.id)
    return seen


@clause("USER-NAME-EXACT")
@pytest.mark.parametrize("kind", list(PAIRS))
def test_near_duplicate_user_names_are_different_users(token_store, kind):
    name, other = PAIRS[kind]
    control = _scenario(token_store, *_control(name, other), (3, 4))
    trial = _scenario(token_store, name, other, (1, 2))
    difference = first_difference(control, trial)
    assert difference is None, (
        f"{name!r} and {other!r} ({kind}) were not treated as two unrelated user names are: {difference}"
    )
