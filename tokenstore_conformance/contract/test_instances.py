"""Instances: private unless the store is persistent by design, and then really persistent."""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import make_token, record_of, save_user, stored
from tokenstore_conformance.records.preconditions import relying_on
from tokenstore_conformance.target.spec import StoreBuildError

clause = pytest.mark.clause


@clause("INSTANCE-ISOLATION")
def test_a_second_instance_sees_nothing_of_the_first(token_store, store_factory):
    if store_factory.persistent(token_store):
        pytest.skip("the store declares tokenstore_persistent = True: instances share storage by design")
    mine = save_user(token_store, 1)
    other = store_factory()
    assert other.get_tokens() == [], "a new instance sees records saved through another instance"
    assert other.find_token(make_token(user_name=mine.get_user_signature().get_name())) is None
    assert relying_on("BYID-MISS", lambda: other.find_token_by_id(mine.get_id())) is None
    theirs = save_user(other, 2)
    assert stored(token_store) == [record_of(mine)]
    assert stored(other) == [record_of(theirs)]


@clause("INSTANCE-PERSIST")
def test_a_new_instance_sees_what_an_earlier_one_saved(token_store, store_factory):
    if not store_factory.persistent(token_store):
        pytest.skip("the store does not declare tokenstore_persistent = True")
    mine = save_user(token_store, 1)
    reopened = store_factory()
    assert stored(reopened) == [record_of(mine)]
    assert record_of(reopened.find_token_by_id(mine.get_id())) == record_of(mine)
    update = make_token(user_name=mine.get_user_signature().get_name(), access_token="1000.access.reopened")
    reopened.save_token(update)
    assert stored(token_store) == [record_of(mine).replace(access_token="1000.access.reopened")]


@clause("INSTANCE-REOPEN")
def test_a_new_instance_opens_storage_an_earlier_one_created(store_factory, tokenstore_settings):
    # Built directly, not through the fixtures, so that a failing build is this clause's own failure.
    try:
        first = store_factory.build()
    except StoreBuildError as exc:
        pytest.fail(f"a new instance over storage an earlier instance created could not be built: {exc}")
    if not store_factory.persistent(first):
        pytest.skip("the store does not declare tokenstore_persistent = True")
    if tokenstore_settings.allow_existing:
        first.delete_tokens()
    elif first.get_tokens():
        pytest.fail("the store held tokens before this test began; the kit will not delete them")
    store_factory.owns_contents = True
    for state in ("empty", "holding a token"):
        try:
            reopened = store_factory.build()
        except StoreBuildError as exc:
            pytest.fail(
                f"a second instance over storage the first created, {state}, could not be built: {exc}"
            )
        if state == "empty":
            held = save_user(first, 1)
    if store_factory.single_user(first):
        reopened.delete_token(held.get_id())  # the one slot is taken: free it for the next user
    # Whether it reads what the earlier one wrote is INSTANCE-PERSIST's; here it must simply work.
    theirs = save_user(reopened, 2)
    assert record_of(theirs) in stored(reopened), "a reopened instance does not keep what it saves itself"
