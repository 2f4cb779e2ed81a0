"""An update writes the fields as its statement was written before api_domain existed: the domain is lost."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import COLUMNS, ID
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(fails={"FLOW-DC", "FLOW-EXPIRY", "FLOW-USERS"})

API_DOMAIN = COLUMNS.index("api_domain")


class Store(ListTokenStore):
    """An insert keeps the api_domain; every update leaves it None, as an UPDATE (or REPLACE) that
    lists the nine older columns does. A user outside the default data centre is then sent to the
    default one after the first refresh."""

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._lock:
            updated = self._matching_index(token) is not None
            super().save_token(token)
            if updated:
                self._rows = [
                    (*row[:API_DOMAIN], None, *row[API_DOMAIN + 1 :]) if row[ID] == token.get_id() else row
                    for row in self._rows
                ]
