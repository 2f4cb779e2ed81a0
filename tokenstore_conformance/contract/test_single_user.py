"""A store declared single-user, given another user's token: it keeps its record or replaces it whole.

A store that holds one user's tokens by design (``tokenstore_single_user =
True``: an environment variable, one secret in a secret manager, a CLI's one
slot) is excused the clause tests that need several records at once. What it
must do when the application saves a token that matches no record while it
holds one (a second user signs in, the SDK switches users) is this clause's:
the new token replaces the record whole, or the save is refused (ignored, or
``SDKException``) and the record stays as it was. A slot that merges the new
token into the old record hands one user another user's refresh token, user
name or id.
"""

from __future__ import annotations

import pytest

from tokenstore_conformance.records import (
    API_DOMAIN,
    CLIENT,
    make_token,
    record_of,
    save,
    stored,
    user_values,
)
from tokenstore_conformance.sdk import SDKException
from tokenstore_conformance.target.spec import SINGLE_USER_ATTRIBUTE

clause = pytest.mark.clause

HELD_USER = user_values(1)
HELD_SELF_CLIENT = {"access_token": "1000.self.held", "api_domain": API_DOMAIN}
# (what the store holds, a token that matches no record by the key order). Each new token leaves
# some fields None that the held record has, so that a merge shows.
CASES = {
    "another-user": (HELD_USER, user_values(2, refresh_token=None, redirect_url=None)),
    "an-unknown-user-with-the-held-tokens": (
        HELD_USER,
        {
            "user_name": "nobody@example.test",
            **CLIENT,
            **{k: HELD_USER[k] for k in ("access_token", "refresh_token")},
        },
    ),
    "a-self-client-token": (HELD_USER, {"access_token": "1000.self.incoming"}),
    "a-grant-token-without-a-user": (HELD_USER, {**CLIENT, "grant_token": "1000.grant.incoming"}),
    "a-user-after-a-self-client-token": (HELD_SELF_CLIENT, user_values(2, api_domain=None)),
}


@clause("SAVE-SECOND-USER")
@pytest.mark.parametrize("case", list(CASES))
def test_another_users_token_is_taken_whole_or_not_at_all(token_store, store_factory, case):
    if not store_factory.single_user(token_store):
        pytest.skip(f"the store does not declare {SINGLE_USER_ATTRIBUTE} = True")
    held, incoming = CASES[case]
    first = record_of(save(token_store, **held))
    token = make_token(**incoming)
    try:
        token_store.save_token(token)
    except SDKException:
        pass  # allowed: the store refuses a second user
    new = record_of(token)  # with the id the store gave it, if any
    after = stored(token_store)
    assert after, f"after saving {case}, the store holds nothing: it lost the earlier record {first}"
    for record in after:
        taken_whole = record.replace(id=None) == new.replace(id=None) and record.id != first.id
        assert record == first or taken_whole, (
            f"after saving {case} ({new}) while the store held {first}, it holds {record}: neither the "
            "earlier record unchanged nor the new token as saved under an id of its own"
        )
    # The earlier user's id and user name find the earlier record or nothing, never the new token.
    lookups = {
        "find_token_by_id": lambda: token_store.find_token_by_id(first.id),
        "find_token by id": lambda: token_store.find_token(make_token(id=first.id)),
    }
    if first.user_name is not None:
        lookups["find_token by user name"] = lambda: token_store.find_token(
            make_token(user_name=first.user_name)
        )
    for how, lookup in lookups.items():
        found = lookup()
        assert found is None or record_of(found) == first, (
            f"after saving {case}, {how} of the earlier record {first.id!r} returned {record_of(found)}"
        )
