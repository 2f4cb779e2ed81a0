"""The access token is used as a key even when the token has client credentials."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"SAVE-PRECEDENCE", "FIND-PRECEDENCE"},
    collateral={"FIND-MISS-NONE", "SAVE-UPSERT-GRANT", "SAVE-UPSERT-REFRESH"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"SAVE-ID-ECHO"},
)


class Store(DictTokenStore):
    def _matching_row(self, token):
        row = self._rows.get(token.get_id()) if token.get_id() is not None else None
        if row is not None:
            return row
        signature = token.get_user_signature()
        if signature is not None and signature.get_name():
            return self._first("user_name", signature.get_name())
        # fault: the check that client id and secret are both None is missing
        if token.get_access_token():
            return self._first("access_token", token.get_access_token())
        if (
            token.get_grant_token()
            and token.get_client_id() is not None
            and token.get_client_secret() is not None
        ):
            return self._first("grant_token", token.get_grant_token())
        if token.get_refresh_token():
            return self._first("refresh_token", token.get_refresh_token())
        return None
