"""NET-LOOPBACK: a store opens no connection off the machine, not even to refresh an expired token.

The guard (``target/network.py``) refuses such a connection during every test
of the kit and the report counts it against this clause from whichever test it
came; this test gives the store the moment stores usually pick to call Zoho's
accounts server themselves: a token that expired, with its refresh token and
client credentials, saved, looked up by every path and deleted. What the calls
return, or raise, is for the other clauses to judge: only connections count here.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tokenstore_conformance.records import CLIENT, make_token, save, user_values
from tokenstore_conformance.records.preconditions import PreconditionFailed
from tokenstore_conformance.target import network

clause = pytest.mark.clause

LONG_EXPIRED = "1000000000000"  # September 2001, in milliseconds


def _whatever_it_answers(step: Callable[[], object]) -> object:
    try:
        return step()
    except PreconditionFailed as exc:
        if network.CLAUSE in exc.owners:  # the store failed after a refused connection: this clause's own
            raise
        return None  # a wrong shape or an exception the boundary owns elsewhere: not this clause's
    except Exception:
        return None


@clause("NET-LOOPBACK")
def test_a_store_given_an_expired_token_opens_no_connection_off_the_machine(token_store):
    before = network.refusal_count()
    values = user_values(1, expires_in=LONG_EXPIRED)
    token = make_token(**values)
    by_user = make_token(user_name=values["user_name"])
    by_refresh = make_token(**CLIENT, refresh_token=values["refresh_token"])
    for step in (
        lambda: token_store.save_token(token),
        lambda: token_store.find_token(by_user),
        lambda: token_store.find_token(by_refresh),
        token_store.get_tokens,
        lambda: token_store.find_token_by_id(token.get_id()),
        lambda: save(
            token_store, id=token.get_id(), access_token="1000.access.after", expires_in=LONG_EXPIRED
        ),
        lambda: token_store.delete_token(token.get_id()),
    ):
        _whatever_it_answers(step)
    refused = network.refusal_count() - before
    assert refused == 0, f"{network.last_refusal().message()} ({refused} attempt(s) in this test)"
