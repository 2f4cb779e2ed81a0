"""SDK flow: the genuine SDK token code against the store and a local fake Zoho server.

The other contract tests call the six methods directly; these run what an
application runs (``Initializer.initialize``, ``switch_user``, ``remove``,
``revoke`` and a CRM call) and judge the store by what it holds and by the
token requests the server saw, since the SDK swallows some store errors.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tokenstore_conformance.records import TokenRecord
from tokenstore_conformance.records.preconditions import relying_on, requires
from tokenstore_conformance.sdk import (
    OAuthToken,
    SDKException,
    UserSignature,
    isolated_sdk,
    sdk_can_revoke,
    sdk_distribution,
    sdk_finds_user_name,
    sdk_retries_unknown_id,
)
from tokenstore_conformance.sdkflow.fakezoho import FakeZoho, now_ms
from tokenstore_conformance.sdkflow.flow import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URL,
    Flow,
    describe_requests,
    loopback_no_proxy,
)

clause = pytest.mark.clause
multi_user = pytest.mark.multi_user  # not applicable to a store declared single-user

LIFETIME = 3600
# A token issued this long ago has expired, as after a stopped application's night.
EXPIRED = -3600


@pytest.fixture
def flow(token_store, store_factory, tmp_path_factory, monkeypatch) -> Iterator[Flow]:
    """The SDK set up like an application's, on the store under test and a fresh fake server.

    The SDK's global initializer and logger are put back afterwards, so the
    next test (or the application's own tests) start from what they had.
    """
    no_proxy = loopback_no_proxy(dict(os.environ))
    monkeypatch.setenv("NO_PROXY", no_proxy)
    monkeypatch.setenv("no_proxy", no_proxy)
    with isolated_sdk() as sdk_log, FakeZoho(LIFETIME) as zoho:
        yield Flow(zoho, token_store, tmp_path_factory.mktemp("sdk"), sdk_log, store_factory)


def _is_expiry(value: object) -> bool:
    return isinstance(value, str) and value.isdigit()


@clause("FLOW-LOGIN")
def test_a_first_login_exchanges_the_grant_code_once_and_stores_one_record(flow):
    token = flow.login_token(flow.alice)
    code = token.get_grant_token()
    before = now_ms()
    flow.initialize(token)
    after = now_ms()

    exchanges = flow.zoho.token_requests()
    assert [(r.grant_type, r.form.get("code")) for r in exchanges] == [("authorization_code", code)]
    issued = flow.zoho.issued[0]
    record = flow.only_record()
    assert record == TokenRecord(
        id=record.id,
        user_name=flow.user_name(flow.alice),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=issued.refresh_token,
        access_token=issued.access_token,
        grant_token=code,
        expires_in=record.expires_in,
        redirect_url=REDIRECT_URL,
        api_domain=flow.zoho.url,
    ), f"the record differs from what the SDK saved after the exchange{flow.log_note()}"
    assert isinstance(record.id, str), f"record id {record.id!r}"
    assert record.id, f"record id {record.id!r}"
    assert _is_expiry(record.expires_in), f"expires_in {record.expires_in!r} is not a string of digits"
    assert before + LIFETIME * 1000 <= int(record.expires_in) <= after + LIFETIME * 1000

    flow.assert_call_uses(issued.access_token)
    assert len(flow.zoho.token_requests()) == 1, describe_requests(flow.zoho.requests)


RESTARTS = ["same-grant-code", "saved-id", "user-signature"]


@clause("FLOW-RESTART")
@pytest.mark.parametrize("how", RESTARTS)
def test_a_restart_uses_the_stored_token_without_a_token_request(flow, how):
    # SDK 5.0 never looks the user name up, so only a login that names the
    # user leaves a record a user signature can find.
    named = how == "user-signature" and not sdk_finds_user_name()
    first = flow.login_token(flow.alice, with_signature=named)
    flow.initialize(first)
    stored = flow.only_record()

    if how == "same-grant-code":
        again = flow.grant_token_again(first.get_grant_token())
    elif how == "saved-id":
        assert first.get_id() == stored.id, (
            "after the first login the SDK's token does not carry the record id"
        )
        again = OAuthToken(id=stored.id)
    else:
        again = OAuthToken(user_signature=UserSignature(flow.user_name(flow.alice) or flow.alice.email))
    mark = flow.zoho.mark()
    flow.initialize(again)
    flow.assert_call_uses(stored.access_token)

    requests = flow.token_requests_since(mark)
    assert requests == [], f"the restart made token requests: {describe_requests(requests)}{flow.log_note()}"
    assert flow.records() == [stored]


@clause("FLOW-EXPIRY")
def test_an_expired_token_is_refreshed_once_and_updated_in_place(flow):
    flow.zoho.token_lifetime = EXPIRED
    first = flow.login_token(flow.alice)
    flow.initialize(first)
    flow.zoho.token_lifetime = LIFETIME
    before = flow.only_record()
    assert _is_expiry(before.expires_in), f"expires_in {before.expires_in!r} is not a string of digits"
    assert int(before.expires_in) < now_ms(), f"the store did not keep the past expiry: {before.expires_in}"

    mark = flow.zoho.mark()
    flow.initialize(flow.grant_token_again(first.get_grant_token()))
    requests = flow.token_requests_since(mark)
    assert [(r.grant_type, r.form.get("refresh_token"), r.form.get("client_id")) for r in requests] == [
        ("refresh_token", before.refresh_token, CLIENT_ID)
    ], f"{describe_requests(requests)}{flow.log_note()}"
    new_access = flow.zoho.issued[-1].access_token

    after = flow.only_record()
    assert after == before.replace(access_token=new_access, expires_in=after.expires_in), (
        f"the refresh did not update the record in place{flow.log_note()}"
    )
    assert _is_expiry(after.expires_in), f"expires_in {after.expires_in!r} is not a string of digits"
    assert int(after.expires_in) > now_ms(), f"the stored expiry {after.expires_in} is not the new one"
    flow.assert_call_uses(new_access)

    mark = flow.zoho.mark()
    flow.initialize(flow.grant_token_again(first.get_grant_token()))
    requests = flow.token_requests_since(mark)
    assert requests == [], f"the refreshed token was not kept: {describe_requests(requests)}{flow.log_note()}"


@clause("FLOW-USERS")
@multi_user
def test_two_users_keep_their_own_tokens_while_the_sdk_switches_between_them(flow):
    alice_login = flow.login_token(flow.alice)
    flow.initialize(alice_login)
    flow.zoho.token_lifetime = EXPIRED
    flow.switch_user(flow.login_token(flow.bob))
    flow.zoho.token_lifetime = LIFETIME
    alice = flow.only_record_of(flow.alice)
    bob = flow.only_record_of(flow.bob)
    assert len(flow.records()) == 2, flow.records()
    assert (alice.user_name, bob.user_name) == (flow.user_name(flow.alice), flow.user_name(flow.bob))
    assert alice.access_token in flow.alice.access_tokens
    assert bob.access_token in flow.bob.access_tokens

    mark = flow.zoho.mark()
    flow.switch_user(OAuthToken(id=alice.id))
    flow.assert_call_uses(alice.access_token)
    assert flow.token_requests_since(mark) == []

    flow.switch_user(OAuthToken(id=bob.id))
    requests = flow.token_requests_since(mark)
    assert [(r.grant_type, r.form.get("refresh_token")) for r in requests] == [
        ("refresh_token", bob.refresh_token)
    ], f"{describe_requests(requests)}{flow.log_note()}"
    bob_access = flow.zoho.issued[-1].access_token
    flow.assert_call_uses(bob_access)

    mark = flow.zoho.mark()
    flow.switch_user(flow.grant_token_again(alice_login.get_grant_token()))
    flow.assert_call_uses(alice.access_token)
    assert flow.token_requests_since(mark) == []

    records = {r.id: r for r in flow.records()}
    assert records == {
        alice.id: alice,
        bob.id: bob.replace(access_token=bob_access, expires_in=records.get(bob.id, bob).expires_in),
    }, f"one user's refresh changed another record, or a record was added{flow.log_note()}"


@clause("FLOW-PERSIST")
def test_a_new_instance_resumes_the_session_without_a_new_login(flow, store_factory):
    if not store_factory.persistent(flow.store):
        pytest.skip("the store does not declare tokenstore_persistent = True")
    flow.zoho.token_lifetime = EXPIRED
    first = flow.login_token(flow.alice)
    flow.initialize(first)
    flow.zoho.token_lifetime = LIFETIME
    saved = flow.only_record()

    second = store_factory()
    mark = flow.zoho.mark()
    flow.initialize(flow.grant_token_again(first.get_grant_token()), store=second)
    requests = flow.token_requests_since(mark)
    assert [(r.grant_type, r.form.get("refresh_token")) for r in requests] == [
        ("refresh_token", saved.refresh_token)
    ], f"a new instance did not find the saved token: {describe_requests(requests)}{flow.log_note()}"
    new_access = flow.zoho.issued[-1].access_token
    flow.assert_call_uses(new_access)
    refreshed = flow.only_record()
    assert refreshed == saved.replace(access_token=new_access, expires_in=refreshed.expires_in), (
        "the first instance does not see what the second one saved"
    )

    third = store_factory()
    mark = flow.zoho.mark()
    flow.initialize(OAuthToken(id=saved.id), store=third)
    flow.assert_call_uses(new_access)
    assert flow.token_requests_since(mark) == []


@clause("FLOW-REMOVE")
@multi_user
def test_remove_deletes_exactly_that_tokens_record(flow):
    alice_login = flow.login_token(flow.alice)
    flow.initialize(alice_login)
    flow.switch_user(flow.login_token(flow.bob))
    bob = flow.only_record_of(flow.bob)

    restarted = flow.grant_token_again(alice_login.get_grant_token())
    flow.initialize(restarted)
    assert restarted.remove() is True, "remove() reported failure: delete_token raised"
    assert flow.records() == [bob], (
        f"after remove() of {flow.alice.email}'s token (id {restarted.get_id()!r}) the store holds "
        f"{flow.records()}"
    )


@clause("FLOW-REMOVE")
def test_a_start_with_a_removed_id_finds_nothing(flow):
    flow.initialize(flow.login_token(flow.alice))
    removed = flow.only_record()
    by_id = OAuthToken(id=removed.id)
    flow.initialize(by_id)
    assert by_id.remove() is True, "remove() reported failure: delete_token raised"
    assert flow.records() == []

    again = OAuthToken(
        id=removed.id,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_token=flow.zoho.grant_code(flow.alice),
        redirect_url=REDIRECT_URL,
    )
    # What the SDK does next rests on find_token_by_id missing the removed id.
    left = relying_on("BYID-MISS", lambda: flow.store.find_token_by_id(removed.id))
    requires("BYID-MISS", left is None, f"find_token_by_id({removed.id!r}) returned a record after remove()")
    mark = flow.zoho.mark()
    if sdk_retries_unknown_id():
        # find_token_by_id misses, so get_token logs in with the new grant code
        # and saves under the id the application holds.
        flow.initialize(again)
        requests = flow.token_requests_since(mark)
        assert [(r.grant_type, r.form.get("code")) for r in requests] == [
            ("authorization_code", again.get_grant_token())
        ], describe_requests(requests)
        record = flow.only_record()
        assert (record.id, record.access_token) == (removed.id, flow.zoho.issued[-1].access_token)
        flow.assert_call_uses(record.access_token)
    else:
        # SDK 5.0 to 7.0 cannot handle the None from find_token_by_id: get_token fails.
        error = flow.try_initialize(again)
        name = " ".join(sdk_distribution())
        assert isinstance(error, SDKException), f"{name}: expected SDKException, got {error!r}"
        assert flow.token_requests_since(mark) == []
        assert flow.records() == []


@clause("FLOW-REVOKE")
def test_revoke_posts_the_refresh_token_of_the_record_with_that_id(flow, single_user):
    if not sdk_can_revoke():
        pytest.skip(
            f"{' '.join(sdk_distribution())}: OAuthToken.revoke builds OAuthToken() without arguments, "
            "which the SDK's own constructor rejects, so revoke never reaches the store"
        )
    alice_login = flow.login_token(flow.alice)
    flow.initialize(alice_login)
    # The application revokes another user's token, so that a store that picks the wrong record is
    # caught; a single-user store holds only Alice, who revokes her own.
    users = [flow.alice] if single_user else [flow.alice, flow.bob]
    if not single_user:
        flow.switch_user(flow.login_token(flow.bob))
    held = [flow.only_record_of(user) for user in users]
    revokee, target = users[-1], held[-1]

    # revoke() looks the record up with find_token(OAuthToken(id=...)): FIND-BY-ID's behaviour.
    probe = OAuthToken(id=target.id)
    hit = relying_on("FIND-BY-ID", lambda: flow.store.find_token(probe))
    requires(
        "FIND-BY-ID",
        hit is not None,
        f"find_token(OAuthToken(id={target.id!r})) misses {revokee.email}'s record",
    )
    mark = flow.zoho.mark()
    revoked = alice_login.revoke(target.id)
    sent = [r.form.get("token") for r in flow.zoho.revoke_requests()]
    assert sent == [target.refresh_token], f"revoke({target.id!r}) sent {sent}{flow.log_note()}"
    assert revoked is True
    assert flow.zoho.revoked == [target.refresh_token]
    assert flow.token_requests_since(mark) == []
    assert sorted(flow.records(), key=lambda r: r.id) == sorted(held, key=lambda r: r.id)


@clause("FLOW-EXCHANGE-FAIL")
def test_a_refused_grant_code_exchange_stores_nothing(flow):
    flow.zoho.fail_next_token_requests(1)
    error = flow.try_initialize(flow.login_token(flow.alice))
    assert isinstance(error, SDKException), f"expected SDKException from the refused exchange, got {error!r}"
    assert [r.grant_type for r in flow.zoho.token_requests()] == ["authorization_code"]
    assert flow.records() == [], "a token the server refused was stored"


@clause("FLOW-EXCHANGE-FAIL")
def test_a_refused_refresh_leaves_the_stored_token_as_it_was(flow):
    flow.zoho.token_lifetime = EXPIRED
    first = flow.login_token(flow.alice)
    flow.initialize(first)
    flow.zoho.token_lifetime = LIFETIME
    before = flow.records()

    flow.zoho.fail_next_token_requests(1)
    mark = flow.zoho.mark()
    error = flow.try_initialize(flow.grant_token_again(first.get_grant_token()))
    assert isinstance(error, SDKException), f"expected SDKException from the refused refresh, got {error!r}"
    assert [r.grant_type for r in flow.token_requests_since(mark)] == ["refresh_token"]
    assert flow.records() == before
