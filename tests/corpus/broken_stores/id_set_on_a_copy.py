"""save_token assigns the new id to its own copy of the token, not to the object passed in."""

from __future__ import annotations

import copy

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"SAVE-ID-ASSIGN"},
    # Stopped at another clause's precondition by the same fault.
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
    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        # fault: copied "so the caller's object is not modified", and the id stays on the copy
        super().save_token(copy.deepcopy(token))
