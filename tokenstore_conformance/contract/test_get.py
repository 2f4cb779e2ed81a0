"""get_tokens: every record once, as full tokens detached from the store."""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import CLIENT, all_stored, insert, records_of, save, save_user, stored
from tokenstore_conformance.records.preconditions import requires
from tokenstore_conformance.sdk import OAuthToken

clause = pytest.mark.clause
multi_user = pytest.mark.multi_user  # not applicable to a store declared single-user


@clause("GET-EMPTY")
def test_an_empty_store_returns_an_empty_list(token_store):
    tokens = token_store.get_tokens()
    assert isinstance(tokens, list)
    assert tokens == []


@clause("GET-ALL")
@multi_user
def test_every_record_comes_back_once(token_store):
    saved = [save_user(token_store, n) for n in range(12)]
    saved.append(insert(token_store, access_token="1000.self-client"))
    saved.append(insert(token_store, **CLIENT, grant_token="1000.grant.no-user"))
    requires(
        "SAVE-INSERT", all_stored(token_store, saved), "a record saved earlier is missing from get_tokens"
    )
    tokens = token_store.get_tokens()
    assert all(isinstance(t, OAuthToken) for t in tokens)
    assert records_of(tokens) == records_of(saved)


@clause("GET-ALL")
def test_updates_do_not_add_records(token_store):
    one = save_user(token_store, 1)
    for n in range(5):
        save(token_store, id=one.get_id(), access_token=f"1000.access.refresh{n}")
    assert len(token_store.get_tokens()) == 1


@clause("GET-DETACHED")
def test_changing_returned_tokens_does_not_change_the_store(token_store, single_user):
    save_user(token_store, 1)
    if not single_user:
        save_user(token_store, 2)
    before = stored(token_store)
    for token in token_store.get_tokens():
        token.set_access_token("mutated")
        token.set_id("mutated")
    assert stored(token_store) == before
