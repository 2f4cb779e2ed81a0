"""save_token never matches by refresh token (the refresh token is not treated as a key), so it inserts a duplicate."""

from __future__ import annotations

from correct_stores.dict_store import MATCH_KEYS, DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"SAVE-UPSERT-REFRESH"},
    # The precedence case "refresh token over an access token, with credentials" updates by refresh token.
    collateral={"SAVE-PRECEDENCE"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"SAVE-ID-ECHO"},
)


class Store(DictTokenStore):
    """The upsert's key list was written from user name, access and grant token, and forgot the refresh token."""

    save_by = tuple(k for k in MATCH_KEYS if k != "refresh_token")  # fault: this key is skipped
