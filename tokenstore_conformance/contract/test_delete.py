"""delete_token: exactly one record goes; an unknown id changes nothing."""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import all_stored, record_of, records_of, save_user, stored
from tokenstore_conformance.records.preconditions import relying_on, requires
from tokenstore_conformance.sdk import SDKException

clause = pytest.mark.clause
multi_user = pytest.mark.multi_user  # not applicable to a store declared single-user


@clause("DELETE-ONE")
@multi_user
def test_only_the_named_record_is_removed(token_store):
    tokens = [save_user(token_store, n) for n in (1, 2, 3)]
    requires(
        "SAVE-INSERT", all_stored(token_store, tokens), "a record saved earlier is missing from get_tokens"
    )
    token_store.delete_token(tokens[1].get_id())
    assert stored(token_store) == records_of([tokens[0], tokens[2]])
    gone = relying_on("BYID-MISS", lambda: token_store.find_token_by_id(tokens[1].get_id()))
    assert gone is None, f"find_token_by_id returned {record_of(gone)} after its record was deleted"


@clause("DELETE-ONE")
@multi_user
def test_ids_that_are_prefixes_of_each_other_are_deleted_apart(token_store):
    tokens = [save_user(token_store, n, id=i) for n, i in ((1, "1"), (2, "10"), (3, "11"))]
    requires(
        "SAVE-INSERT", all_stored(token_store, tokens), "a record saved earlier is missing from get_tokens"
    )
    token_store.delete_token("1")
    assert stored(token_store) == records_of(tokens[1:])


@clause("DELETE-ONE")
def test_a_listing_after_the_delete_no_longer_holds_the_record(token_store, single_user):
    # A store that caches what get_tokens returns must drop the cache on delete too, not only on save.
    tokens = [save_user(token_store, n) for n in ((1,) if single_user else (1, 2))]
    requires(
        "SAVE-INSERT", all_stored(token_store, tokens), "a record saved earlier is missing from get_tokens"
    )
    assert stored(token_store) == records_of(tokens)
    token_store.delete_token(tokens[0].get_id())
    assert stored(token_store) == records_of(tokens[1:])


@clause("DELETE-UNKNOWN")
@pytest.mark.parametrize("unknown", ["no-such-id", "' or '1'='1", "%", ""])
def test_an_unknown_id_leaves_the_store_unchanged(token_store, single_user, unknown):
    tokens = [save_user(token_store, n) for n in ((1,) if single_user else (1, 2))]
    requires(
        "SAVE-INSERT", all_stored(token_store, tokens), "a record saved earlier is missing from get_tokens"
    )
    try:
        token_store.delete_token(unknown)
    except SDKException:
        pass  # allowed: the clause lets a store report the unknown id
    assert stored(token_store) == records_of(tokens)
    kept = relying_on("BYID-HIT", lambda: token_store.find_token_by_id(tokens[0].get_id()))
    requires("BYID-HIT", kept is not None, "find_token_by_id misses a stored id")
    assert record_of(kept) == record_of(tokens[0])


@clause("DELETE-UNKNOWN")
def test_deleting_from_an_empty_store_is_harmless(token_store):
    try:
        token_store.delete_token("no-such-id")
    except SDKException:
        pass  # allowed, as above
    assert stored(token_store) == []
