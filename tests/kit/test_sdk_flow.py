"""The SDK-flow group: reference stores pass it, stores that break the SDK are caught by it alone.

The child runs select the group with ``-k test_sdk_flow`` (the module's name):
the direct contract tests are deselected, so every failure counted here comes
from the genuine SDK running against the store. The child also gets a proxy
on a closed loopback port, so that even a fault in the kit's own guard could
not send a request off this machine.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from support.corpus import discover

from tokenstore_conformance.harness.clauses import CLAUSES
from tokenstore_conformance.sdk import sdk_can_revoke, sdk_distribution
from tokenstore_conformance.sdkflow.fakezoho import REGIONS, TOKEN_PATH, FakeZoho

# FLOW-CONCURRENT-REFRESH runs the SDK in worker processes: it belongs to the concurrency group
# (test_concurrency.py, tests/kit/test_concurrency_corpus.py), not to the module these runs select.
FLOW = sorted(cid for cid in CLAUSES if cid.startswith("FLOW-") and cid != "FLOW-CONCURRENT-REFRESH")
ONLY_FLOW = ("-k", "test_sdk_flow")

REFERENCE_STORES = {
    "tokenstore_conformance.reference_stores.list_store:ListTokenStore": False,
    "tokenstore_conformance.reference_stores.memory_store:InMemoryTokenStore": False,
    "tokenstore_conformance.reference_stores.sqlite_store:tmp_path_store": True,
}


@pytest.fixture
def run_flow(run_kit, monkeypatch):
    """``run_kit`` for the SDK-flow group only, with every non-loopback request bound to fail."""
    dead_proxy = "http://127.0.0.1:9"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, dead_proxy)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")

    def run(*specs: str, extra: tuple[str, ...] = ()):
        return run_kit(*(f"--tokenstore={spec}" for spec in specs), *ONLY_FLOW, *extra)

    return run


def _not_applicable(persistent: bool) -> set[str]:
    """FLOW clauses a store cannot take part in with the installed SDK."""
    skipped = set() if persistent else {"FLOW-PERSIST"}
    if not sdk_can_revoke():
        skipped.add("FLOW-REVOKE")
    return skipped


def test_the_flow_group_registers_its_clauses():
    assert FLOW == sorted(
        [
            "FLOW-DC",
            "FLOW-EXCHANGE-FAIL",
            "FLOW-EXPIRY",
            "FLOW-LOGIN",
            "FLOW-PERSIST",
            "FLOW-REMOVE",
            "FLOW-RESTART",
            "FLOW-REVOKE",
            "FLOW-USERS",
        ]
    )


def test_reference_stores_pass_every_flow_clause(run_flow):
    specs = list(REFERENCE_STORES)
    run = run_flow(*specs)
    assert run.ret == 0, run
    for index, (spec, persistent) in enumerate(REFERENCE_STORES.items()):
        verdicts = {cid: v for cid, v in run.verdicts(index).items() if cid in FLOW}
        skipped = _not_applicable(persistent)
        expected = {cid: "not applicable" if cid in skipped else "passed" for cid in FLOW}
        assert verdicts == expected, f"{spec}\n{run!r}"
    # Only the flow group ran: no clause of the direct contract has a verdict.
    assert {cid for cid, v in run.verdicts(0).items() if v != "-"} == set(FLOW), run


# What each flow-breaking store fails, for the installed SDK major (each store's EXPECT). save_raises
# fails every flow that saves; its own test below runs the first login alone.
SAVE_RAISES = "flow_stores.save_raises:Store"
FLOW_STORES = [s for s in discover("flow_stores") if s.spec != SAVE_RAISES]


def test_the_flow_group_alone_catches_stores_that_break_the_sdk(run_flow):
    expected = {store.spec: set(store.expect.fails) for store in FLOW_STORES}
    run = run_flow(*expected)
    assert run.ret == 1, run
    found = {spec: run.failed_clauses(index) for index, spec in enumerate(expected)}
    name, version = sdk_distribution()
    assert found == expected, f"{name} {version}\n{run!r}"
    # The store that hands back a Zoho domain was stopped inside the store call.
    assert "the kit stopped the flow before any request could leave this machine" in run.stdout, run


def test_an_error_the_sdk_swallows_is_shown_without_logging_tracebacks(run_flow):
    (store,) = [s for s in discover("flow_stores") if s.spec == SAVE_RAISES]
    run = run_flow(store.spec, extra=("-k", "first_login"))
    assert run.ret == 1, run
    assert run.failed_clauses() == store.expect.fails == {"FLOW-LOGIN"}, run
    assert "database is locked" in run.stdout, run
    output = run.stdout + run.stderr
    assert "Logging error" not in output, run
    assert "not all arguments converted" not in output, run


PROBE = """
import logging

from tokenstore_conformance.sdk import SDK_LOGGER, Initializer

leaks = []


def pytest_runtest_logfinish(nodeid, location):
    logger = logging.getLogger(SDK_LOGGER)
    state = (
        Initializer.initializer,
        getattr(Initializer.LOCAL, "init", None),
        logger.handlers,
        logger.filters,
        logger.propagate,
        logger.level,
    )
    if state != (None, None, [], [], True, logging.NOTSET):
        leaks.append(f"{nodeid}: {state}")


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line("SDK STATE LEAKS: " + repr(leaks))
"""


def test_the_flow_group_leaves_the_sdk_as_it_found_it(run_flow, pytester):
    pytester.makepyfile(sdk_state_probe=PROBE)
    run = run_flow(
        "tokenstore_conformance.reference_stores.sqlite_store:tmp_path_store", extra=("-p", "sdk_state_probe")
    )
    assert run.ret == 0, run
    assert "SDK STATE LEAKS: []" in run.stdout, run


def _post(url: str, form: dict[str, str]) -> dict:
    data = "&".join(f"{k}={v}" for k, v in form.items()).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=5) as response:
        return json.loads(response.read())


def test_the_fake_server_listens_on_loopback_and_spends_a_grant_code_once(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with FakeZoho() as zoho:
        assert zoho.url.startswith("http://127.0.0.1:")
        assert not zoho.url.endswith(":0")
        user = zoho.add_user("carol@example.test")
        code = zoho.grant_code(user)
        form = {"grant_type": "authorization_code", "code": code, "client_id": "c", "client_secret": "s"}
        first = _post(zoho.accounts_url, form)
        again = _post(zoho.accounts_url, form)
        assert set(first) >= {"access_token", "refresh_token", "expires_in"}
        assert first["api_domain"] == zoho.url
        assert again == {"error": "invalid_code"}
        assert [r.path for r in zoho.requests] == [TOKEN_PATH, TOKEN_PATH]
        refreshed = _post(
            zoho.accounts_url, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
        )
        assert refreshed["access_token"] != first["access_token"]
        assert "refresh_token" not in refreshed
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(zoho.url + "/crm/v8/users?type=CurrentUser", timeout=5)
        assert denied.value.code == 401


def test_each_data_centre_exchanges_refreshes_and_serves_only_its_own_users(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with FakeZoho() as zoho:
        urls = {region: zoho.region_url(region) for region in REGIONS}
        assert len(set(urls.values())) == len(REGIONS) == 4
        assert all(url.startswith("http://127.0.0.1:") for url in urls.values())
        assert zoho.url == urls["US"]
        dora = zoho.add_user("dora@example.test", region="EU")
        code = zoho.grant_code(dora)
        form = {"grant_type": "authorization_code", "code": code, "client_id": "c", "client_secret": "s"}
        assert _post(zoho.accounts_url, form) == {"error": "invalid_code"}
        first = _post(zoho.environments()["EU"][1], form)
        assert first["api_domain"] == urls["EU"]
        refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
        assert _post(zoho.accounts_url, refresh) == {"error": "invalid_code"}
        refreshed = _post(zoho.environments()["EU"][1], refresh)
        assert "api_domain" not in refreshed
        for region, allowed in (("US", False), ("EU", True)):
            request = urllib.request.Request(
                urls[region] + "/crm/v8/users?type=CurrentUser",
                headers={"Authorization": "Zoho-oauthtoken " + refreshed["access_token"]},
            )
            if allowed:
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert json.loads(response.read())["users"][0]["email"] == "dora@example.test"
            else:
                with pytest.raises(urllib.error.HTTPError) as denied:
                    urllib.request.urlopen(request, timeout=5)
                assert denied.value.code == 401
        assert [r.region for r in zoho.requests] == ["US", "EU", "US", "EU", "US", "EU"]
    with pytest.raises(ValueError, match="unknown data centre"):
        FakeZoho().add_user("x@example.test", region="MARS")
