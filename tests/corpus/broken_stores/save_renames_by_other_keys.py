"""A save whose user name no record has falls back to the token's other keys, to keep a renamed user's record."""

from __future__ import annotations

import copy

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, lookup_key, merged_row, user_name
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"SAVE-USER-ONLY"},
    # The clauses the lifecycle test may name when it catches this store (at least one).
    lifecycle={"SAVE-USER-ONLY", "SAVE-INSERT", "SAVE-ID-UNIQUE", "SAVE-USER-ISOLATION"},
)


class Store(DictTokenStore):
    def save_token(self, token):
        if isinstance(token, OAuthToken) and user_name(token) and self._matching_row(token) is None:
            # fault: "a user whose e-mail address changed keeps their record": with no record of that
            # name, the tokens decide, and the update renames whatever record they name
            anonymous = copy.copy(token)
            anonymous.set_user_signature(None)
            key = lookup_key(anonymous)
            renamed = self._first(*key) if key else None
            if renamed is not None:
                self._rows[renamed[ID]] = merged_row(renamed, token)
                if token.get_id() is None:
                    token.set_id(renamed[ID])
                return
        super().save_token(token)
