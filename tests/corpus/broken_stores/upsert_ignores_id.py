"""save_token matches records by user name and tokens only, never by id, and replaces the record."""

from __future__ import annotations

from correct_stores.dict_store import MATCH_KEYS, DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"SAVE-UPSERT-ID"},
    collateral={"SAVE-KEEP-STORED", "SAVE-PRECEDENCE"},
)


class Store(DictTokenStore):
    """The upsert was written for new logins only, which carry no id, so a token's id is never matched."""

    save_by = tuple(k for k in MATCH_KEYS if k != "id")  # fault: the token's id is never looked at
