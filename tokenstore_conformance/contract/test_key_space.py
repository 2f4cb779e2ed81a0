"""The corners of the key space: a user name no record has, and keys left None.

The other clause tests look records up by values that name them. Stores go
wrong at the edges: a save whose user name names nobody, but whose tokens
equal another user's, "falls back" to the tokens; a key the token leaves
None is compared as a value (``None == None`` in Python, ``IS NULL`` or
``IS ?`` in SQL) and lands on an unrelated record that lacks the same field.

Each test compares two runs: the edge case, and a control that differs only in
what the clause is about (a token sharing nothing with the stored records;
records that lack no key). A fault that shows in both runs (a lossy column,
ids of the wrong type) is left to the clauses that are about it.
"""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import (
    API_DOMAIN,
    CLIENT,
    EXPIRY,
    KEYS,
    describe_records,
    listing,
    make_token,
    record_of,
    save,
    user_values,
)

clause = pytest.mark.clause
multi_user = pytest.mark.multi_user  # not applicable to a store declared single-user

UNKNOWN_USER = "nobody@example.test"


def _outcome(store, population: list[dict], query: dict, action: str) -> tuple[str, str]:
    """(what happened, in words that do not depend on the values; the records involved, for the message)."""
    for values in population:
        save(store, **values)
    before = listing(store)
    try:
        if action == "find":
            found = store.find_token(make_token(**query))
            hit = record_of(found) if found is not None else None
            outcome = ("a miss", "") if hit is None else ("a hit", describe_records([hit]))
        else:
            token = save(store, **query)
            after = listing(store)
            added = [r for r in after if r not in before]
            changed = [r for r in before if r not in after]
            outcome = (
                f"{len(added)} record(s) added and {len(changed)} changed or removed",
                f"the store holds {describe_records(after)}; the token got the id {token.get_id()!r}",
            )
    except Exception as exc:
        outcome = (f"{type(exc).__name__} raised", str(exc))
    for record in listing(store):
        store.delete_token(record.id)
    return outcome


# Another user's keys on a token whose user name no record has; grant and refresh tokens
# travel with the client credentials they need, the access token without them.
FALLBACKS = {
    "access_token": ("access_token",),
    "grant_token": ("grant_token",),
    "refresh_token": ("refresh_token",),
    "every-token": ("access_token", "grant_token", "refresh_token"),
}


@clause("SAVE-USER-ONLY")
@multi_user
@pytest.mark.parametrize("shared", list(FALLBACKS))
def test_an_unknown_user_name_is_inserted_whatever_else_matches(token_store, shared):
    one = user_values(1)
    client = {} if FALLBACKS[shared] == ("access_token",) else CLIENT
    theirs = {key: one[key] for key in FALLBACKS[shared]}
    fresh = {key: f"1000.{key}.nobody" for key in FALLBACKS[shared]}
    query = {"user_name": UNKNOWN_USER, "expires_in": EXPIRY, **client}
    control = _outcome(token_store, [one], {**query, **fresh}, "save")
    trial = _outcome(token_store, [one], {**query, **theirs}, "save")
    assert trial[0] == control[0], (
        f"saving the unknown user {UNKNOWN_USER!r} with {one['user_name']!r}'s {shared}: {trial[0]} "
        f"({trial[1]}), but with a {shared} of its own: {control[0]}"
    )


# Records that each lack some keys, as the SDK leaves them: a self-client token (an access token
# only), a start from a refresh token (no user name, no grant token), a grant token saved before its
# exchange (no access or refresh token), a token with no key at all, and a full login. The control
# population is the same records with every key filled in.
SPARSE = [
    {"access_token": "1000.self.access", "api_domain": API_DOMAIN},
    {**CLIENT, "refresh_token": "1000.refresh.start", "access_token": "1000.access.start"},
    {**CLIENT, "grant_token": "1000.grant.only"},
    {"expires_in": EXPIRY, "api_domain": API_DOMAIN},
]
DENSE = [{**{key: f"1000.{key}.dense{n}" for key in KEYS[1:]}, **values} for n, values in enumerate(SPARSE)]

# Tokens whose deciding key is unknown (or that have none) and whose other keys are None: each
# must miss, and saving it must insert. The name says which None a sloppy store matches.
NONE_KEYS = {
    "user-name-none": {"access_token": "1000.access.unknown"},
    "access-token-none": {"id": "no-such-id"},
    "grant-token-none": {**CLIENT, "refresh_token": "1000.refresh.unknown"},
    "refresh-token-none": {**CLIENT, "grant_token": "1000.grant.unknown"},
    "credentials-only": {**CLIENT, "expires_in": EXPIRY},
    "every-key-none": {"expires_in": "1767229200000", "redirect_url": "http://127.0.0.1:8/cb"},
}


# A save among records is told apart from an update only with several records: a single-user
# store's slot takes the saved token either way (SAVE-SECOND-USER checks what it then holds).
@clause("KEY-NONE")
@pytest.mark.parametrize("action", ["find", pytest.param("save", marks=multi_user)])
@pytest.mark.parametrize("shape", list(NONE_KEYS))
def test_a_key_left_none_matches_no_record_that_lacks_it_too(token_store, single_user, shape, action):
    query = NONE_KEYS[shape]
    # A single-user store holds one record at a time: the lookup meets each sparse record alone.
    pairs = [([d], [s]) for d, s in zip(DENSE, SPARSE, strict=True)] if single_user else [(DENSE, SPARSE)]
    for dense, sparse in pairs:
        control = _outcome(token_store, dense, query, action)
        trial = _outcome(token_store, sparse, query, action)
        assert trial[0] == control[0], (
            f"{action}_token({query}) among records that lack some keys: {trial[0]} ({trial[1]}); among "
            f"records that lack none: {control[0]}. A key left None matched a record whose field is None too."
        )
