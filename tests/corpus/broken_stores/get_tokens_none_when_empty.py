"""get_tokens returns None instead of [] when the store is empty."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"GET-EMPTY"},
    # Stopped at another clause's precondition by the same fault.
    blocked={
        "BYID-MISS",
        "DELETE-UNKNOWN",
        "DELETEALL-EMPTIES",
        "INSTANCE-ISOLATION",
        "SAVE-IGNORE-NON-TOKEN",
    },
)


class Store(DictTokenStore):
    def get_tokens(self):
        return super().get_tokens() or None  # fault: "no tokens" as None
