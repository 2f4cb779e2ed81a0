"""FLOW-CONCURRENT-REFRESH: worker processes refresh expired tokens through the genuine SDK at once.

The fake Zoho server runs in the pytest process; every worker process builds
its own store from the SPEC, initialises the SDK with a refresh token (the
shared user's first, then its own user's) and makes one CRM call, all workers
at the same moment. The SDK finds each token expired, refreshes it and saves
the new access token. The check reads the server's request log and what a new
instance holds afterwards.
"""

from __future__ import annotations

import os
import tempfile

from .launcher import Launcher, shared_launcher
from .roles import error_text
from .target import (
    ORG_ZGID,
    FakeZoho,
    GuardedStore,
    OAuthToken,
    call_get_users,
    describe_sdk_log,
    isolated_sdk,
    loopback_no_proxy,
    make_environment,
    make_token,
    now_ms,
    sdk_initialize,
    sdk_user_name,
)

CLIENT_ID = "1000.CONCREFRESH00000000000000000000"
CLIENT_SECRET = "6c0a9d3f1b7e5c2a8d4f6b0e5b9f0c3e1d7a4f2b8e"
REDIRECT_URL = "https://app.example.test/oauth/callback"
CLAUSE = "FLOW-CONCURRENT-REFRESH"


def seed(store, calls, args: dict, emit=None) -> list:
    """Save the expired records the workers start from: [user name, id, error] each."""
    saved = []
    for fields in args["tokens"]:
        token = make_token(**fields)
        try:
            with calls.active(f"save_token({fields['user_name']})"):
                store.save_token(token)
            saved.append([fields["user_name"], token.get_id(), None])
        except Exception as exc:
            saved.append([fields["user_name"], None, error_text(exc)])
    return saved


def refresh_and_call(store, calls, args: dict, emit=None) -> list:
    """Start the SDK with each refresh token in turn and make one CRM call; what each call came to."""
    no_proxy = loopback_no_proxy(dict(os.environ))
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = no_proxy
    results = []
    with isolated_sdk() as log, tempfile.TemporaryDirectory(prefix="tokenstore-sdk-") as resources:
        environment = make_environment(args["url"], args["accounts_url"], args["url"] + "/content")
        for user in args["users"]:
            token = OAuthToken(
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                refresh_token=user["refresh_token"],
                redirect_url=REDIRECT_URL,
            )
            mark = len(log)
            answer = {"user": user["user_name"], "status": None, "error": None}
            try:
                with calls.active(f"Initializer.initialize and a CRM call for {user['user_name']}"):
                    sdk_initialize(environment, token, GuardedStore(store), resources)
                    answer["status"] = call_get_users().status
            except Exception as exc:
                answer["error"] = error_text(exc)
            answer["log"] = describe_sdk_log(log[mark:])
            results.append(answer)
    return results


ROLES = {"seed": seed, "refresh_and_call": refresh_and_call}


def run(troupe, workers: int, url: str, accounts_url: str, tokens: list[dict], shared: int) -> dict:
    """The scenario, in the launcher: seed, then every worker refreshes the shared user and its own."""
    from .scenarios import _ask, _fresh_snapshot, _hire

    actors = _hire(troupe, workers)
    (seeded,) = _ask(troupe, actors[:1], "seed", {"tokens": tokens})
    if any(error or not record_id for _, record_id, error in seeded):
        return {"seeded": seeded}
    own = [t for i, t in enumerate(tokens) if i != shared]
    args = [
        {"url": url, "accounts_url": accounts_url, "users": [own[i], tokens[shared]]} for i in range(workers)
    ]
    answers = _ask(troupe, actors, "refresh_and_call", args)
    troupe.dismiss(actors)
    return {"seeded": seeded, "workers": answers, "final": _fresh_snapshot(troupe)}


def check(target, zoho: FakeZoho, launcher: Launcher | None = None):
    """Run the clause against a running fake server; an Outcome whose figures hold the refresh counts."""
    from .checks import CHECKS, DEADLINE_SECONDS, Outcome, describe_problem

    workers = CHECKS[CLAUSE].params["workers"]

    users = [zoho.add_user(f"worker{i}@conc.example.test") for i in range(workers)]
    users.append(zoho.add_user("shared@conc.example.test"))
    expired = str(now_ms() - 3_600_000)
    tokens = []
    for i, user in enumerate(users):
        user.refresh_tokens.append(f"1000.refresh.conc{i}.{user.user_id}")
        tokens.append(
            {
                "user_name": sdk_user_name(user.email, ORG_ZGID),
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": user.refresh_tokens[0],
                "access_token": f"1000.access.expired{i}.{user.user_id}",
                "expires_in": expired,
                "redirect_url": REDIRECT_URL,
                "api_domain": zoho.url,
            }
        )
    params = {
        "workers": workers,
        "url": zoho.url,
        "accounts_url": zoho.accounts_url,
        "tokens": tokens,
        "shared": workers,
    }
    doing = CHECKS[CLAUSE].doing
    seconds = DEADLINE_SECONDS + 3 * target.timeout
    result = (launcher or shared_launcher()).run("flow-refresh", target.to_json(), params, seconds)
    if "problem" in result:
        problem = describe_problem(result["problem"], doing)
        return Outcome(CLAUSE, "the check stopped", [problem], result["seconds"], result.get("stderr", ""))
    refreshes = {u.email: _refreshes(zoho, u) for u in users}
    headline = (
        f"{workers} worker processes each started the SDK at the same moment with the shared user's expired "
        f"token and then their own, and made a CRM call; the server saw {refreshes[users[-1].email]} refresh "
        "request(s) for the shared user"
    )
    problems = _judge(result, zoho, users, tokens, refreshes)
    outcome = Outcome(
        CLAUSE, headline, problems, result["seconds"], result.get("stderr", "") if problems else ""
    )
    outcome.figures["shared_user_refreshes"] = refreshes[users[-1].email]
    return outcome


def _refreshes(zoho: FakeZoho, user) -> int:
    return sum(
        r.form.get("refresh_token") in user.refresh_tokens for r in zoho.token_requests("refresh_token")
    )


def _judge(
    result: dict, zoho: FakeZoho, users: list, tokens: list[dict], refreshes: dict[str, int]
) -> list[str]:
    from .verdicts import Problems, by_user, records_of

    problems = Problems()
    for name, _, error in result["seeded"]:
        if error:
            problems.add("saving the expired tokens failed", f"{name}: {error}")
    if "workers" not in result:
        return problems.lines() or ["a seed save returned no id"]
    for index, answers in enumerate(result["workers"]):
        for answer in answers:
            if answer["error"] or answer["status"] != 200:
                what = answer["error"] or f"HTTP status {answer['status']}"
                log = f" (SDK log: {'; '.join(answer['log'])})" if answer["log"] else ""
                problems.add("a CRM call failed", f"process {index} for {answer['user']}: {what}{log}")
    logins = zoho.token_requests("authorization_code")
    if logins:
        problems.add(
            "new logins", f"{len(logins)} grant code exchange(s), though every user had a refresh token"
        )
    for user in users[:-1]:
        if refreshes[user.email] != 1:
            problems.add(
                "refreshes of a worker's own user", f"{user.email}: {refreshes[user.email]}, expected 1"
            )
    records = records_of(result["final"], problems)
    if records is None:
        return problems.lines()
    grouped = by_user(records)
    now = now_ms()
    for user, seeded in zip(users, tokens):
        held = grouped.get(seeded["user_name"], [])
        if len(held) != 1:
            problems.add("records per user", f"{seeded['user_name']} has {len(held)} records, expected 1")
            continue
        record = held[0]
        if record.access_token not in user.access_tokens:
            state = (
                "the expired one"
                if record.access_token == seeded["access_token"]
                else repr(record.access_token)
            )
            problems.add("refreshed tokens lost", f"{seeded['user_name']} holds access token {state}")
        if (
            record.refresh_token != seeded["refresh_token"]
            or not (record.expires_in or "").isdigit()
            or int(record.expires_in) <= now
        ):
            problems.add("records changed wrongly", f"{seeded['user_name']}: {record}")
    for name in grouped:
        if name not in {t["user_name"] for t in tokens}:
            problems.add("records nobody saved", repr(grouped[name][0]))
    return problems.lines()
