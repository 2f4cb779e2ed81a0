"""A token carrying a grant token is always inserted as a new login, even for a known user."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import row_from_token
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"SAVE-UPSERT-USER"},
    collateral={"SAVE-PRECEDENCE", "SAVE-UPSERT-GRANT"},
)


class Store(DictTokenStore):
    def save_token(self, token):
        if isinstance(token, OAuthToken) and token.get_grant_token() is not None and token.get_id() is None:
            # fault: "a grant token means a fresh login" skips the lookup by user name
            token.set_id(self._new_id())
            self._rows[token.get_id()] = row_from_token(token)
            return
        super().save_token(token)
