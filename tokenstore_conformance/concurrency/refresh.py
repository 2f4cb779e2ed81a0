"""FLOW-CONCURRENT-REFRESH: worker processes refresh expired tokens through the genuine SDK at once.

The fake Zoho server runs in the pytest process; every worker process builds
its own store from the SPEC, initialises the SDK with a refresh token (the
shared user's first, then its own user's) and makes one CRM call, all workers
at the same moment. The SDK finds each token expired, refreshes it and saves
the new access token. The check reads the server's request log and what a new
instance holds afterwards.
"""

from __future__ import annotations

from ..records import CLIENT, REDIRECT_URL
from .launcher import Launcher, shared_launcher
from .target import (
    ORG_ZGID,
    FakeZoho,
    now_ms,
    sdk_user_name,
)

CLAUSE = "FLOW-CONCURRENT-REFRESH"


def check(target, zoho: FakeZoho, launcher: Launcher | None = None):
    """Run the clause against a running fake server; an Outcome whose figures hold the refresh counts.

    A store that rewrites its file without a lock loses a save only when two
    workers' saves overlap, which one round of workers does not always make
    happen on a loaded machine; so the scenario runs up to ``rounds`` times,
    each with users of its own, and the first round with a fault is the verdict.
    """
    from .checks import CHECKS

    rounds = CHECKS[CLAUSE].params["rounds"]
    names: set[str] = set()  # every user name seeded so far: the records the store may hold
    for number in range(1, rounds + 1):
        outcome = _round(target, zoho, launcher, number, rounds, names)
        if not outcome.passed:
            break
    return outcome


def _round(target, zoho: FakeZoho, launcher: Launcher | None, number: int, rounds: int, names: set[str]):
    from .checks import CHECKS, DEADLINE_SECONDS, Outcome, stopped

    workers = CHECKS[CLAUSE].params["workers"]
    users = [zoho.add_user(f"worker{i}.round{number}@conc.example.test") for i in range(workers)]
    users.append(zoho.add_user(f"shared.round{number}@conc.example.test"))
    expired = str(now_ms() - 3_600_000)
    tokens = []
    for i, user in enumerate(users):
        user.refresh_tokens.append(f"1000.refresh.conc{i}.{user.user_id}")
        tokens.append(
            {
                "user_name": sdk_user_name(user.email, ORG_ZGID),
                "client_id": CLIENT["client_id"],
                "client_secret": CLIENT["client_secret"],
                "refresh_token": user.refresh_tokens[0],
                "access_token": f"1000.access.expired{i}.{user.user_id}",
                "expires_in": expired,
                "redirect_url": REDIRECT_URL,
                "api_domain": zoho.url,
            }
        )
    names.update(t["user_name"] for t in tokens)
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
        return stopped(CLAUSE, result, doing)
    refreshes = {u.email: _refreshes(zoho, u) for u in users}
    headline = (
        f"{workers} worker processes each started the SDK at the same moment with the shared user's expired "
        f"token and then their own, and made a CRM call; the server saw {refreshes[users[-1].email]} refresh "
        f"request(s) for the shared user (round {number} of up to {rounds}, each with new users)"
    )
    problems = _judge(result, zoho, users, tokens, refreshes, names)
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
    result: dict, zoho: FakeZoho, users: list, tokens: list[dict], refreshes: dict[str, int], names: set[str]
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
    for user, seeded in zip(users, tokens, strict=True):
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
        if name not in names:
            problems.add("records nobody saved", repr(grouped[name][0]))
    return problems.lines()
