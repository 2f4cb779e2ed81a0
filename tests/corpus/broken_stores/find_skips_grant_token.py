"""find_token never looks up by grant token, so a token that only has one is a miss."""

from __future__ import annotations

from correct_stores.dict_store import MATCH_KEYS, DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"FIND-BY-GRANT"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"CAPACITY", "FIND-PRECEDENCE", "FIND-SAME-OBJECT"},
)


class Store(DictTokenStore):
    """The lookup was written for tokens already exchanged; one that only carries a grant code is a miss."""

    find_by = tuple(k for k in MATCH_KEYS if k != "grant_token")  # fault: this branch was never written
