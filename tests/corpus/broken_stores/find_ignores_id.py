"""find_token looks only at user name and tokens and never at the id, like the SDK guide's sample."""

from __future__ import annotations

from correct_stores.dict_store import MATCH_KEYS, DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"FIND-BY-ID"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"CAPACITY", "FIND-PRECEDENCE", "FIND-SAME-OBJECT"},
)


class Store(DictTokenStore):
    """Copied from the SDK guide's sample store, which looks records up by user name and tokens only."""

    find_by = tuple(k for k in MATCH_KEYS if k != "id")  # fault: token.get_id() is never consulted
