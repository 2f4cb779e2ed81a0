"""save_token never matches by grant token (grant tokens are single-use, so they are not treated as a key), so it inserts a duplicate."""

from __future__ import annotations

from correct_stores.dict_store import MATCH_KEYS, DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"SAVE-UPSERT-GRANT"},
    collateral={"SAVE-PRECEDENCE"},
)


class Store(DictTokenStore):
    """The upsert's key list was written without grant tokens, since each is spent on its first use."""

    save_by = tuple(k for k in MATCH_KEYS if k != "grant_token")  # fault: this key is skipped
