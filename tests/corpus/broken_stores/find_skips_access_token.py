"""find_token never looks up by access token, so a token that only has one is a miss."""

from __future__ import annotations

from correct_stores.dict_store import MATCH_KEYS, DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"FIND-BY-ACCESS"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"CAPACITY", "FIND-PRECEDENCE", "FIND-SAME-OBJECT"},
)


class Store(DictTokenStore):
    """The lookup was written for tokens with client credentials; a hand-made token with only an access token is a miss."""

    find_by = tuple(k for k in MATCH_KEYS if k != "access_token")  # fault: this branch was never written
