"""find_token: the key order, None on a miss, and filling the caller's object in place."""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import (
    CLIENT,
    FIND_BY,
    KEY_BY_FIELD,
    KEY_ORDER,
    KEYS,
    all_stored,
    contests,
    insert,
    make_token,
    record_of,
    save,
    save_user,
    stored,
)
from tokenstore_conformance.records.preconditions import relying_on, requires

clause = pytest.mark.clause
multi_user = pytest.mark.multi_user  # not applicable to a store declared single-user


@pytest.fixture
def saved_users(token_store, single_user):
    """Users 1 and 2 of one client application as record snapshots, or user 1 alone for a store
    declared single-user: ``[0]`` is the first saved, ``[-1]`` the last."""
    tokens = [save_user(token_store, n) for n in ((1,) if single_user else (1, 2))]
    requires(
        "SAVE-INSERT", all_stored(token_store, tokens), "a record saved earlier is missing from get_tokens"
    )
    return tuple(record_of(token) for token in tokens)


def _found(store, **query):
    token = make_token(**query)
    result = store.find_token(token)
    assert result is not None, f"find_token({query}) returned None for a stored record"
    return result


@clause("FIND-BY-ID")
def test_id_finds_its_record(token_store, saved_users):
    last = saved_users[-1]
    assert record_of(_found(token_store, id=last.id)) == last


@clause("FIND-BY-USER")
def test_user_name_finds_its_record(token_store, saved_users):
    first = saved_users[0]
    assert record_of(_found(token_store, user_name=first.user_name)) == first


@clause("FIND-BY-ACCESS")
def test_access_token_without_credentials_finds_its_record(token_store, saved_users):
    last = saved_users[-1]
    assert record_of(_found(token_store, access_token=last.access_token)) == last


@clause("FIND-BY-ACCESS")
def test_access_token_finds_a_record_saved_without_credentials(token_store, single_user):
    first = insert(token_store, access_token="1000.self.a", api_domain="http://127.0.0.1:9")
    saved = [first] if single_user else [first, save(token_store, access_token="1000.self.b")]
    requires(
        "SAVE-INSERT", all_stored(token_store, saved), "a record saved earlier is missing from get_tokens"
    )
    mine = record_of(first)
    assert record_of(_found(token_store, access_token="1000.self.a")) == mine


@clause("FIND-BY-GRANT")
def test_grant_token_with_credentials_finds_its_record(token_store, saved_users):
    last = saved_users[-1]
    assert record_of(_found(token_store, **CLIENT, grant_token=last.grant_token)) == last


@clause("FIND-BY-REFRESH")
def test_refresh_token_with_credentials_finds_its_record(token_store, saved_users):
    first = saved_users[0]
    assert record_of(_found(token_store, **CLIENT, refresh_token=first.refresh_token)) == first


@clause("FIND-USER-ONLY")
@pytest.mark.parametrize("other_key", KEYS[KEYS.index("user_name") + 1 :])
def test_an_unknown_user_name_is_a_miss_whatever_else_matches(token_store, saved_users, other_key):
    one = saved_users[0]
    client = CLIENT if other_key != "access_token" else {}
    # The same query with a key of its own must miss first: a store that never misses is FIND-MISS-NONE's.
    control = {"user_name": "nobody@example.test", other_key: f"1000.{other_key}.nobody", **client}
    missed = token_store.find_token(make_token(**control)) is None
    requires("FIND-MISS-NONE", missed, "find_token with an unknown user name and unknown keys does not miss")
    query = {"user_name": "nobody@example.test", other_key: getattr(one, other_key), **client}
    assert token_store.find_token(make_token(**query)) is None


@clause("FIND-USER-ONLY")
@multi_user
def test_the_user_name_wins_over_another_users_access_token(token_store, saved_users):
    one, two = saved_users
    found = token_store.find_token(make_token(user_name=two.user_name, access_token=one.access_token))
    requires("FIND-BY-USER", found is not None, "find_token by a stored user name misses its record")
    assert found.get_id() == two.id
    assert found.get_refresh_token() == two.refresh_token


# Each query names record A by the key that must win and record B by another; an unknown id
# must fall through to the next key.
PRECEDENCE = {contest.name: contest for contest in contests()}
UNKNOWN_ID = "unknown-id-falls-through-to-user_name"


@clause("FIND-PRECEDENCE")
@pytest.mark.parametrize("case", [*(pytest.param(c, marks=multi_user) for c in PRECEDENCE), UNKNOWN_ID])
def test_lookup_uses_the_highest_ranking_key(token_store, saved_users, case):
    a, b = saved_users[0], saved_users[-1]
    if case == UNKNOWN_ID:
        query = {"id": "no-such-id", "user_name": a.user_name}
        keys = ((KEY_BY_FIELD["user_name"], a),)
    else:
        contest = PRECEDENCE[case]
        query = contest.query(a, b, CLIENT)
        keys = ((contest.winner, a), (contest.loser, b))
    # Each key must find its record alone before the two can be weighed against each other.
    for key, record in keys:
        alone = {key.field: getattr(record, key.field), **(CLIENT if key.credentials == "both" else {})}
        hit = relying_on(key.find_clause, lambda alone=alone: token_store.find_token(make_token(**alone)))
        requires(key.find_clause, hit is not None, f"find_token by {key.field} alone misses its record")
    found = _found(token_store, **query)
    expected = a.replace(**query)
    assert record_of(found) == expected, f"{case}: expected {a.user_name}'s record"


# An unknown value of each key, with the credentials that key needs, and a tautology as a user name.
MISSES = {
    **{
        f"unknown-{key.field}": {
            key.field: f"1000.{key.field}.unknown",
            **(CLIENT if key.credentials == "both" else {}),
        }
        for key in KEY_ORDER
    },
    "sql-tautology-user": {"user_name": "' or '1'='1"},
}


@clause("FIND-MISS-NONE")
@pytest.mark.parametrize("query", list(MISSES.values()), ids=list(MISSES))
def test_a_miss_returns_none_and_changes_nothing(token_store, saved_users, query):
    before = stored(token_store)
    token = make_token(**query)
    asked = record_of(token)
    assert token_store.find_token(token) is None
    assert record_of(token) == asked, "find_token changed the token it was given on a miss"
    assert stored(token_store) == before


@clause("FIND-MISS-NONE")
def test_a_miss_on_an_empty_store_returns_none(token_store):
    assert token_store.find_token(make_token(user_name="nobody@example.test")) is None
    assert token_store.find_token(make_token(id="no-such-id")) is None


@clause("FIND-MISS-NONE")
def test_an_access_token_with_a_client_id_but_no_secret_is_no_key(token_store, saved_users):
    # The access token is a key only for a token with neither client id nor secret; with half of
    # the credentials no key applies, so the lookup must not land on the record with that access token.
    token = make_token(client_id=CLIENT["client_id"], access_token=saved_users[0].access_token)
    assert token_store.find_token(token) is None


@clause("FIND-SAME-OBJECT")
@pytest.mark.parametrize("key", KEYS)
def test_a_hit_returns_the_object_passed_in(token_store, saved_users, key):
    query = {key: getattr(saved_users[0], key)}
    if key in ("grant_token", "refresh_token"):
        query.update(CLIENT)
    token = make_token(**query)
    found = token_store.find_token(token)
    requires(FIND_BY[key], found is not None, f"find_token by {key} misses the stored record")
    assert found is token


@clause("FIND-FILL-NONE-ONLY")
def test_a_hit_fills_only_the_fields_the_caller_left_none(token_store, saved_users):
    one = saved_users[0]
    token = make_token(user_name=one.user_name, access_token="caller-access", api_domain="http://127.0.0.1:7")
    before = stored(token_store)
    found = token_store.find_token(token)
    requires("FIND-BY-USER", found is not None, "find_token by a stored user name misses its record")
    assert record_of(found) == one.replace(access_token="caller-access", api_domain="http://127.0.0.1:7")
    assert stored(token_store) == before, "find_token wrote the caller's values to the store"
