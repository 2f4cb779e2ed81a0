"""find_token copies every stored field onto the token, overwriting values the caller set."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import token_from_row
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"FIND-FILL-NONE-ONLY"},
    collateral={"FIND-PRECEDENCE"},
)


class Store(DictTokenStore):
    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        row = self._matching_row(token)
        if row is None:
            return None
        stored = token_from_row(row)
        # fault: unconditional setters, where only the token's None fields may be filled
        token.set_id(stored.get_id())
        token.set_user_signature(stored.get_user_signature())
        token.set_client_id(stored.get_client_id())
        token.set_client_secret(stored.get_client_secret())
        token.set_refresh_token(stored.get_refresh_token())
        token.set_access_token(stored.get_access_token())
        token.set_grant_token(stored.get_grant_token())
        token.set_expires_in(stored.get_expires_in())
        token.set_redirect_url(stored.get_redirect_url())
        token.set_api_domain(stored.get_api_domain())
        return token
