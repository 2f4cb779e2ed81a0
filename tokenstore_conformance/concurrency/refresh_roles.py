"""FLOW-CONCURRENT-REFRESH, in a worker process: seed the expired records, then refresh through the genuine SDK.

``refresh.py`` runs the clause from the pytest process; these are the roles
its worker processes play.
"""

from __future__ import annotations

import os
import tempfile
from collections import deque

from ..records import CLIENT, REDIRECT_URL
from .roles import error_text
from .target import (
    GuardedStore,
    OAuthToken,
    call_get_users,
    describe_sdk_log,
    isolated_sdk,
    loopback_no_proxy,
    make_environment,
    make_token,
    sdk_initialize,
)


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
                client_id=CLIENT["client_id"],
                client_secret=CLIENT["client_secret"],
                refresh_token=user["refresh_token"],
                redirect_url=REDIRECT_URL,
            )
            mark = len(log)
            answer = {"user": user["user_name"], "status": None, "error": None}
            try:
                with calls.active(f"Initializer.initialize and a CRM call for {user['user_name']}"):
                    sdk_initialize(environment, token, GuardedStore(store, deque(maxlen=12)), resources)
                    answer["status"] = call_get_users().status
            except Exception as exc:
                answer["error"] = error_text(exc)
            answer["log"] = describe_sdk_log(log[mark:])
            results.append(answer)
    return results


ROLES = {"seed": seed, "refresh_and_call": refresh_and_call}
