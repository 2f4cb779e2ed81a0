"""find_token_by_id: a full, fresh token for a stored id, None otherwise."""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import record_of, save_user, stored
from tokenstore_conformance.records.preconditions import relying_on, requires
from tokenstore_conformance.sdk import OAuthToken, UserSignature

clause = pytest.mark.clause


@clause("BYID-HIT")
def test_a_stored_id_gives_the_full_token(token_store, single_user):
    if not single_user:
        save_user(token_store, 1)  # a record besides the one looked up
    two = save_user(token_store, 2)
    found = token_store.find_token_by_id(two.get_id())
    assert isinstance(found, OAuthToken)
    assert record_of(found) == record_of(two)


@clause("BYID-MISS")
def test_an_unknown_id_gives_none(token_store):
    assert token_store.find_token_by_id("no-such-id") is None
    one = save_user(token_store, 1)
    assert token_store.find_token_by_id("no-such-id") is None
    assert token_store.find_token_by_id(one.get_id() + "0") is None
    assert token_store.find_token_by_id("' or '1'='1") is None


@clause("BYID-MISS")
def test_a_deleted_id_gives_none(token_store):
    one = save_user(token_store, 1)
    token_store.delete_token(one.get_id())
    left = relying_on("GET-EMPTY", lambda: stored(token_store))
    requires("DELETE-ONE", left == [], "delete_token left the record in get_tokens")
    assert token_store.find_token_by_id(one.get_id()) is None


@clause("BYID-DETACHED")
def test_changing_the_returned_token_does_not_change_the_store(token_store):
    one = save_user(token_store, 1)
    before = stored(token_store)
    found = relying_on("BYID-HIT", lambda: token_store.find_token_by_id(one.get_id()))
    requires(
        "BYID-HIT", isinstance(found, OAuthToken), f"find_token_by_id returned {found!r} for a stored id"
    )
    assert found is not one, "find_token_by_id returned the very object that was saved"
    found.set_access_token("mutated")
    found.set_user_signature(UserSignature("mutated@example.test"))
    found.set_expires_in("1")
    assert stored(token_store) == before
    assert record_of(token_store.find_token_by_id(one.get_id())) == before[0]
