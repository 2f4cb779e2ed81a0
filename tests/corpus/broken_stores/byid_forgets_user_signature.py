"""find_token_by_id rebuilds the token through the OAuthToken constructor and drops id and user name."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import COLUMNS
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"BYID-HIT"},
    blocked={
        "BYID-DETACHED",
        "CAPACITY",
        "DELETE-UNKNOWN",
        "ROUNDTRIP-EXPIRY-STR",
        "ROUNDTRIP-FIELDS",
        "ROUNDTRIP-HOSTILE",
        "ROUNDTRIP-LONG",
    },
)


class Store(DictTokenStore):
    def find_token_by_id(self, id):
        row = self._rows.get(id)
        if row is None:
            return None
        values = dict(zip(COLUMNS, row, strict=False))
        # fault: the constructor's arguments are filled, but id and user_signature are forgotten
        token = OAuthToken(
            client_id=values["client_id"],
            client_secret=values["client_secret"],
            grant_token=values["grant_token"],
            refresh_token=values["refresh_token"],
            redirect_url=values["redirect_url"],
            access_token=values["access_token"],
            api_domain=values["api_domain"],
        )
        token.set_expires_in(values["expiry_time"])
        return token
