"""Ids come from an int counter and are set on tokens as ints, not strings."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"SAVE-ID-ASSIGN"},
    blocked={
        "BYID-DETACHED",
        "BYID-HIT",
        "BYID-MISS",
        "CAPACITY",
        "DELETE-ONE",
        "DELETE-UNKNOWN",
        "DELETEALL-EMPTIES",
        "DELETEALL-REUSABLE",
        "FIND-BY-ACCESS",
        "FIND-BY-GRANT",
        "FIND-BY-ID",
        "FIND-BY-REFRESH",
        "FIND-BY-USER",
        "FIND-FILL-NONE-ONLY",
        "FIND-MISS-NONE",
        "FIND-PRECEDENCE",
        "FIND-SAME-OBJECT",
        "FIND-USER-ONLY",
        "GET-ALL",
        "GET-DETACHED",
        "INSTANCE-ISOLATION",
        "READ-AFTER-WRITE",
        "ROUNDTRIP-EXPIRY-STR",
        "ROUNDTRIP-FIELDS",
        "ROUNDTRIP-HOSTILE",
        "SAVE-COPY",
        "SAVE-ID-ECHO",
        "SAVE-ID-UNIQUE",
        "SAVE-IDEMPOTENT",
        "SAVE-INSERT",
        "SAVE-KEEP-STORED",
        "SAVE-PRECEDENCE",
        "SAVE-UPSERT-ACCESS",
        "SAVE-UPSERT-GRANT",
        "SAVE-UPSERT-ID",
        "SAVE-UPSERT-REFRESH",
        "SAVE-UPSERT-USER",
        "SAVE-USER-ISOLATION",
    },
)


class Store(DictTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._last_id = 0

    def _new_id(self):
        self._last_id += 1
        return self._last_id  # fault: an int, where the SDK compares ids as strings
