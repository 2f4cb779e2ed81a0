"""save_token: insert, id assignment, upsert by each key, precedence, merging."""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import (
    CLIENT,
    TokenRecord,
    all_stored,
    contests,
    insert,
    make_token,
    record_of,
    records_of,
    save,
    save_user,
    sort_records,
    stored,
    user_values,
)
from tokenstore_conformance.records.preconditions import requires
from tokenstore_conformance.sdk import UserSignature

clause = pytest.mark.clause
multi_user = pytest.mark.multi_user  # not applicable to a store declared single-user


def _assert_updated(
    token_store, expected: list[TokenRecord], updated: TokenRecord, query: dict, message: str = ""
) -> None:
    """The store holds ``expected``: ``updated``'s record took the query's values, the others are untouched.

    An update that reached the right record and took the token's values, but lost what the token
    left None, is SAVE-KEEP-STORED's fault; anything else is the test's own clause's.
    """
    records = stored(token_store)
    if records != expected:
        found, due = {r.id: r for r in records}, {r.id: r for r in expected}
        took = {field: value for field, value in query.items() if value is not None and field != "id"}
        lost_only = (
            len(records) == len(expected)
            and found.keys() == due.keys()
            and all(found[rid] == due[rid] for rid in due if rid != updated.id)
            and all(getattr(found[updated.id], field) == value for field, value in took.items())
        )
        requires("SAVE-KEEP-STORED", not lost_only, f"the update lost stored fields: {found.get(updated.id)}")
    assert records == expected, message


@clause("SAVE-INSERT")
def test_token_matching_nothing_is_inserted_once(token_store):
    token = save_user(token_store, 1)
    assert stored(token_store) == [record_of(token)]


@clause("SAVE-INSERT")
@multi_user
def test_tokens_of_different_users_are_separate_records(token_store):
    tokens = [save_user(token_store, n) for n in (1, 2, 3)]
    assert stored(token_store) == records_of(tokens)


@clause("SAVE-ID-ASSIGN")
def test_saved_token_gets_a_fresh_string_id(token_store):
    token = make_token(**user_values(1))
    assert token.get_id() is None
    token_store.save_token(token)
    assert isinstance(token.get_id(), str)
    assert token.get_id() != ""
    assert [r.id for r in stored(token_store)] == [token.get_id()]


@clause("SAVE-ID-ASSIGN")
def test_id_chosen_by_the_caller_is_kept(token_store):
    token = save_user(token_store, 1, id="caller-chosen-id")
    assert token.get_id() == "caller-chosen-id"
    assert [r.id for r in stored(token_store)] == ["caller-chosen-id"]


@clause("SAVE-ID-UNIQUE")
@multi_user
def test_ids_stay_unique_across_many_saves_and_deletes(token_store):
    tokens = [save_user(token_store, n) for n in range(25)]
    ids = [t.get_id() for t in tokens]
    assert len(set(ids)) == 25, f"duplicate ids among {ids}"
    requires(
        "SAVE-INSERT", all_stored(token_store, tokens), "a record saved earlier is missing from get_tokens"
    )
    for victim in (ids[3], ids[12], ids[24]):
        token_store.delete_token(victim)
    left = len(stored(token_store))
    requires("DELETE-ONE", left == 22, f"deleting 3 of 25 records left {left}")
    more = [save_user(token_store, n) for n in range(100, 106)]
    all_ids = [r.id for r in stored(token_store)]
    assert len(all_ids) == 28
    assert len(set(all_ids)) == 28, f"duplicate ids among {sorted(all_ids)}"
    assert {t.get_id() for t in more} <= set(all_ids)


@clause("SAVE-UPSERT-ID")
def test_token_with_a_stored_id_updates_that_record(token_store):
    first = save_user(token_store, 1)
    save(token_store, id=first.get_id(), access_token="1000.access.after-refresh", expires_in="1767229200000")
    expected = record_of(first).replace(access_token="1000.access.after-refresh", expires_in="1767229200000")
    # Not _assert_updated: a save by id that writes a new record over the stored one under the same id
    # looks just like an update that loses the fields the token left None, so this test owns both.
    assert stored(token_store) == [expected]


@clause("SAVE-UPSERT-USER")
def test_token_with_a_known_user_name_updates_that_users_record(token_store):
    first = save_user(token_store, 1)
    query = {"user_name": first.get_user_signature().get_name(), "access_token": "1000.access.new"}
    save(token_store, **query)
    _assert_updated(token_store, [record_of(first).replace(**query)], record_of(first), query)


@clause("SAVE-UPSERT-USER")
def test_new_login_of_a_known_user_replaces_the_record(token_store):
    first = save_user(token_store, 1)
    again = user_values(1, grant_token="1000.grant.second-login", refresh_token="1000.refresh.second")
    save(token_store, **again)
    records = stored(token_store)
    assert len(records) == 1, f"two records for one user name: {records}"
    assert records[0] == record_of(first).replace(
        grant_token="1000.grant.second-login", refresh_token="1000.refresh.second"
    )


@clause("SAVE-UPSERT-ACCESS")
def test_access_token_without_client_credentials_updates_its_record(token_store):
    first = insert(token_store, access_token="1000.self-client-access", api_domain="http://127.0.0.1:9")
    query = {"access_token": "1000.self-client-access", "expires_in": "1767225600000"}
    save(token_store, **query)
    _assert_updated(token_store, [record_of(first).replace(**query)], record_of(first), query)


@clause("SAVE-UPSERT-GRANT")
def test_grant_token_with_client_credentials_updates_its_record(token_store):
    first = insert(token_store, **CLIENT, grant_token="1000.grant.a", access_token="1000.access.a1")
    query = {
        **CLIENT,
        "grant_token": "1000.grant.a",
        "access_token": "1000.access.a2",
        "refresh_token": "r.a",
    }
    save(token_store, **query)
    _assert_updated(token_store, [record_of(first).replace(**query)], record_of(first), query)


@clause("SAVE-UPSERT-REFRESH")
def test_refresh_token_with_client_credentials_updates_its_record(token_store):
    first = insert(token_store, **CLIENT, refresh_token="1000.refresh.a", access_token="1000.access.a1")
    query = {**CLIENT, "refresh_token": "1000.refresh.a", "access_token": "1000.access.a2"}
    save(token_store, **query)
    _assert_updated(token_store, [record_of(first).replace(**query)], record_of(first), query)


# A save by id that would take another record's user name is left to the implementation.
PRECEDENCE = {contest.name: contest for contest in contests(frozenset({frozenset({"id", "user_name"})}))}


@clause("SAVE-PRECEDENCE")
@multi_user
@pytest.mark.parametrize("case", list(PRECEDENCE))
def test_the_highest_ranking_key_decides_which_record_is_updated(token_store, case):
    tokens = [save_user(token_store, 1), save_user(token_store, 2)]
    requires(
        "SAVE-INSERT", all_stored(token_store, tokens), "a record saved earlier is missing from get_tokens"
    )
    a, b = (record_of(token) for token in tokens)
    query = PRECEDENCE[case].query(a, b, CLIENT)
    save(token_store, **query)
    winner = a.replace(**{k: v for k, v in query.items() if k != "id"})
    _assert_updated(
        token_store,
        sort_records([winner, b]),
        a,
        query,
        f"{case}: expected the record of {a.user_name} to be updated and {b.user_name}'s untouched",
    )


@clause("SAVE-IDEMPOTENT")
def test_saving_the_same_token_again_changes_nothing(token_store):
    token = save_user(token_store, 1)
    before = stored(token_store)
    token_store.save_token(token)
    token_store.save_token(token)
    assert stored(token_store) == before


@clause("SAVE-IDEMPOTENT")
def test_saving_an_equal_copy_changes_nothing(token_store):
    token = save_user(token_store, 1)
    before = stored(token_store)
    token_store.save_token(make_token(**vars(record_of(token))))
    assert stored(token_store) == before


@clause("SAVE-KEEP-STORED")
def test_fields_left_none_keep_their_stored_values(token_store):
    first = save_user(token_store, 1)
    save(token_store, id=first.get_id(), access_token="1000.access.b")
    save(token_store, user_name=first.get_user_signature().get_name(), refresh_token="1000.refresh.b")
    assert stored(token_store) == [
        record_of(first).replace(access_token="1000.access.b", refresh_token="1000.refresh.b")
    ]


@clause("SAVE-KEEP-STORED")
def test_every_non_none_field_of_the_token_wins(token_store):
    first = save_user(token_store, 1)
    changes = {
        "client_id": "1000.OTHERCLIENT",
        "client_secret": "other-secret",
        "refresh_token": "r.changed",
        "access_token": "a.changed",
        "grant_token": "g.changed",
        "expires_in": "1767300000000",
        "redirect_url": "https://changed.example.test/cb",
        "api_domain": "http://127.0.0.1:10",
    }
    save(token_store, id=first.get_id(), **changes)
    assert stored(token_store) == [record_of(first).replace(**changes)]


@clause("SAVE-USER-ISOLATION")
@multi_user
def test_updating_one_user_leaves_the_other_untouched(token_store):
    shared = {"expires_in": "1767225600000", "api_domain": "http://127.0.0.1:9"}
    one = save_user(token_store, 1, **shared)
    two = save_user(token_store, 2, **shared)
    requires(
        "SAVE-INSERT",
        all_stored(token_store, [one, two]),
        "a record saved earlier is missing from get_tokens",
    )
    save(
        token_store,
        user_name=one.get_user_signature().get_name(),
        access_token="1000.access.one-new",
        **CLIENT,
    )
    records = {r.id: r for r in stored(token_store)}
    assert records.get(two.get_id()) == record_of(two), f"the other user's record changed: {records}"
    assert getattr(records.get(one.get_id()), "access_token", None) == "1000.access.one-new", records


@clause("SAVE-USER-ISOLATION")
@multi_user
def test_user_names_differing_only_in_case_are_different_users(token_store):
    upper = save_user(token_store, 1, user_name="Alice@Example.test")
    lower = save_user(token_store, 2, user_name="alice@example.test")
    # Merging the two names keeps one record under both tokens' id: that is this clause's failure.
    requires(
        "SAVE-INSERT",
        all_stored(token_store, [upper, lower]),
        "a record saved earlier is missing from get_tokens",
    )
    assert stored(token_store) == records_of([upper, lower])


@clause("SAVE-COPY")
def test_changing_a_token_after_saving_it_does_not_change_the_store(token_store):
    one = save_user(token_store, 1)
    before = stored(token_store)
    one.set_access_token("mutated")
    one.set_refresh_token("mutated")
    assert stored(token_store) == before


class _LooksLikeAToken:
    """Has OAuthToken's getters but is not an OAuthToken."""

    def __getattr__(self, name):
        if name.startswith("get_"):
            return lambda: UserSignature("duck@example.test") if name == "get_user_signature" else "duck"
        if name.startswith("set_"):
            return lambda value: None
        raise AttributeError(name)


@clause("SAVE-IGNORE-NON-TOKEN")
@pytest.mark.parametrize(
    "value",
    [None, "1000.access.string", {"access_token": "1000.access.dict"}, _LooksLikeAToken()],
    ids=["None", "str", "dict", "duck-typed"],
)
def test_an_argument_that_is_not_an_oauth_token_is_ignored(token_store, value):
    token_store.save_token(value)
    assert stored(token_store) == []


@clause("SAVE-ID-ECHO")
def test_update_by_user_name_hands_back_the_record_id(token_store):
    first = save_user(token_store, 1)
    update = make_token(user_name=first.get_user_signature().get_name(), access_token="1000.access.b")
    token_store.save_token(update)
    records = len(stored(token_store))
    requires("SAVE-UPSERT-USER", records == 1, f"the save by user name left {records} records, not 1")
    assert update.get_id() == first.get_id()


@clause("SAVE-ID-ECHO")
def test_update_by_refresh_token_hands_back_the_record_id(token_store):
    first = insert(token_store, **CLIENT, refresh_token="1000.refresh.a", access_token="a1")
    update = make_token(**CLIENT, refresh_token="1000.refresh.a", access_token="a2")
    token_store.save_token(update)
    records = len(stored(token_store))
    requires("SAVE-UPSERT-REFRESH", records == 1, f"the save by refresh token left {records} records, not 1")
    assert update.get_id() == first.get_id()
