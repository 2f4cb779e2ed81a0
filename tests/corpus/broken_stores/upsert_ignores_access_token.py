"""save_token never matches by access token (access tokens expire hourly, so they are not treated as a key), so it inserts a duplicate."""

from __future__ import annotations

from correct_stores.dict_store import MATCH_KEYS, DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"SAVE-UPSERT-ACCESS"},
    collateral={"SAVE-PRECEDENCE"},
)


class Store(DictTokenStore):
    """The upsert's key list was written without access tokens, since they change every hour."""

    save_by = tuple(k for k in MATCH_KEYS if k != "access_token")  # fault: this key is skipped
