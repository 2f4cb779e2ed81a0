"""Caches find_token by user name; a save naming that user drops the entry, a save by id or delete_token does not."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import Row, fill_token, user_name
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"READ-AFTER-WRITE"},
    lifecycle={"READ-AFTER-WRITE", "FIND-BY-USER", "FIND-MISS-NONE", "FIND-USER-ONLY", "FIND-PRECEDENCE"},
)


class Store(DictTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._by_user: dict[str, Row] = {}

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        name = user_name(token)
        if not name or (token.get_id() is not None and token.get_id() in self._rows):
            return super().find_token(token)
        if name not in self._by_user:
            row = self._matching_row(token)
            if row is None:
                return None
            self._by_user[name] = row
        return fill_token(token, self._by_user[name])

    def save_token(self, token):
        if isinstance(token, OAuthToken):
            # fault: only the user the token names is dropped; a refresh saved by id and
            # delete_token(id) name no user, so that user's cached record outlives them
            self._by_user.pop(user_name(token), None)
        super().save_token(token)

    def delete_tokens(self):
        super().delete_tokens()
        self._by_user.clear()
