"""delete_tokens: everything goes, and the store keeps working afterwards."""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import CLIENT, all_stored, make_token, records_of, save_user, stored
from tokenstore_conformance.records.preconditions import relying_on, requires

clause = pytest.mark.clause


@clause("DELETEALL-EMPTIES")
def test_nothing_is_left_and_every_lookup_misses(token_store, single_user):
    tokens = [save_user(token_store, n) for n in ((1,) if single_user else (1, 2, 3))]
    token_store.delete_tokens()
    assert token_store.get_tokens() == []
    for token in tokens:
        assert relying_on("BYID-MISS", lambda t=token: token_store.find_token_by_id(t.get_id())) is None
        for query in (
            {"id": token.get_id()},
            {"user_name": token.get_user_signature().get_name()},
            {"access_token": token.get_access_token()},
            {**CLIENT, "refresh_token": token.get_refresh_token()},
        ):
            found = token_store.find_token(make_token(**query))
            requires(
                "FIND-MISS-NONE", found is None, f"find_token({query}) found a token after delete_tokens"
            )


@clause("DELETEALL-EMPTIES")
def test_deleting_all_of_an_empty_store_is_harmless(token_store):
    token_store.delete_tokens()
    assert token_store.get_tokens() == []


@clause("DELETEALL-EMPTIES")
def test_a_listing_after_delete_tokens_is_empty_even_if_one_was_taken_before(token_store):
    # As above: a cached get_tokens result must not outlive delete_tokens.
    save_user(token_store, 1)
    assert len(token_store.get_tokens()) == 1
    token_store.delete_tokens()
    assert token_store.get_tokens() == []


@clause("DELETEALL-REUSABLE")
def test_the_store_keeps_working_after_delete_tokens(token_store, single_user):
    before, after = (1, 1) if single_user else (12, 3)
    for n in range(before):
        save_user(token_store, n)
    token_store.delete_tokens()
    fresh = [save_user(token_store, n) for n in range(after)]
    ids = [t.get_id() for t in fresh]
    assert len(set(ids)) == after, f"new saves got duplicate ids {ids}"
    requires(
        "SAVE-INSERT", all_stored(token_store, fresh), "a record saved earlier is missing from get_tokens"
    )
    assert stored(token_store) == records_of(fresh)
