"""Has no api_domain column and answers every read with Zoho's US domain as a default."""

from __future__ import annotations

from support.corpus import Expect

from flow_stores import READS_BACK
from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import COLUMNS, ID
from tokenstore_conformance.sdk import OAuthToken, sdk_can_revoke

EXPECT = Expect(fails=READS_BACK | ({"FLOW-REVOKE"} if sdk_can_revoke() else set()))

API_DOMAIN = COLUMNS.index("api_domain")
DEFAULT_DOMAIN = "https://www.zohoapis.com"


class Store(ListTokenStore):
    """get_token would switch the SDK to the data center of a Zoho domain it reads back."""

    def save_token(self, token):
        super().save_token(token)
        if not isinstance(token, OAuthToken):
            return
        with self._lock:
            self._rows = [
                (*row[:API_DOMAIN], DEFAULT_DOMAIN, *row[API_DOMAIN + 1 :])
                if row[ID] == token.get_id()
                else row
                for row in self._rows
            ]
