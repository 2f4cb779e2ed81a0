"""SDK flow across data centres: a user whose account lives outside the US keeps its API domain.

Zoho runs separate data centres (US, EU, IN, AU, ...), each with its own
accounts and CRM servers; a token works only in the data centre that issued
it. ``get_token`` reads the data centre from the token's ``api_domain`` and
switches the SDK to it, and a refresh response names no API domain, so the
stored ``api_domain`` is the only place the SDK learns where a user lives.
The fake server plays the EU, IN and AU data centres on loopback ports of
their own, and the SDK's table of data centres is pointed at them for the
duration of each test (``sdk.loopback_data_centers``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tokenstore_conformance.records import TokenRecord
from tokenstore_conformance.sdk import OAuthToken, isolated_sdk, loopback_data_centers
from tokenstore_conformance.sdkflow.fakezoho import FakeUser, FakeZoho
from tokenstore_conformance.sdkflow.flow import Flow, describe_requests, loopback_no_proxy

clause = pytest.mark.clause

LIFETIME = 3600
EXPIRED = -3600


@pytest.fixture
def dc_flow(token_store, store_factory, tmp_path_factory, monkeypatch) -> Iterator[Flow]:
    """The SDK on the store under test, with Zoho's data centres played by loopback servers."""
    no_proxy = loopback_no_proxy(dict(os.environ))
    monkeypatch.setenv("NO_PROXY", no_proxy)
    monkeypatch.setenv("no_proxy", no_proxy)
    with isolated_sdk() as sdk_log, FakeZoho(LIFETIME) as zoho, loopback_data_centers(zoho.environments()):
        yield Flow(zoho, token_store, tmp_path_factory.mktemp("sdk"), sdk_log, store_factory)


def _record_of(flow: Flow, user: FakeUser) -> TokenRecord:
    records = flow.records_of_user(user)
    assert len(records) == 1, (
        f"expected one record holding {user.email}'s refresh token, found {len(records)}: "
        f"{flow.records()}{flow.log_note()}"
    )
    return records[0]


def _call_goes_to(flow: Flow, region: str, access_token: str) -> None:
    call = flow.api_call()
    assert (call.region, call.access_token) == (region, access_token), (
        f"the CRM call went to the {call.region} data centre with {call.access_token!r}; expected the "
        f"{region} data centre with {access_token!r}{flow.log_note()}"
    )


@clause("FLOW-DC")
@pytest.mark.parametrize("region", ["EU", "IN", "AU"])
def test_a_user_of_another_data_centre_keeps_its_api_domain_through_a_refresh(dc_flow, single_user, region):
    flow = dc_flow
    # Alice, at home in the US data centre, shares the store with Carol; a single-user store holds Carol alone.
    if not single_user:
        flow.initialize(flow.login_token(flow.alice))
        alice = _record_of(flow, flow.alice)

    # Carol's account lives in another data centre: the application signs her in there.
    carol = flow.zoho.add_user(f"carol.{region.lower()}@example.test", region=region)
    flow.zoho.token_lifetime = EXPIRED
    login = flow.login_token(carol)
    flow.initialize(login, region=region)
    flow.zoho.token_lifetime = LIFETIME
    before = _record_of(flow, carol)
    assert before.api_domain == flow.zoho.region_url(region), (
        f"the record keeps api_domain {before.api_domain!r}, not the {region} domain the exchange named"
    )

    # A restart with the saved id and the application's default environment: the stored api_domain
    # takes the SDK to the right data centre, which refreshes the expired token without naming a domain.
    mark = flow.zoho.mark()
    flow.initialize(OAuthToken(id=before.id))
    requests = flow.token_requests_since(mark)
    assert [(r.region, r.grant_type, r.form.get("refresh_token")) for r in requests] == [
        (region, "refresh_token", before.refresh_token)
    ], f"{describe_requests(requests)}{flow.log_note()}"
    new_access = flow.zoho.issued[-1].access_token
    after = _record_of(flow, carol)
    assert after == before.replace(access_token=new_access, expires_in=after.expires_in), (
        f"the refresh changed more than the access token and expiry (api_domain was "
        f"{before.api_domain!r}, is {after.api_domain!r}){flow.log_note()}"
    )
    _call_goes_to(flow, region, new_access)

    # The next start finds the refreshed token, domain and all.
    mark = flow.zoho.mark()
    flow.initialize(flow.grant_token_again(login.get_grant_token()))
    assert flow.token_requests_since(mark) == [], describe_requests(flow.token_requests_since(mark))
    _call_goes_to(flow, region, new_access)

    if single_user:
        assert flow.records() == [after]
        return
    # Alice, at home in the US data centre, is untouched.
    flow.initialize(OAuthToken(id=alice.id))
    _call_goes_to(flow, "US", alice.access_token)
    assert sorted(flow.records(), key=lambda r: r.id) == sorted([alice, after], key=lambda r: r.id)
