"""Keeps expires_in as an int, as an INTEGER column would, and hands it back as one."""

from __future__ import annotations

from support.corpus import Expect

from flow_stores import READS_BACK
from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import COLUMNS, ID
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(fails=READS_BACK)

EXPIRY = COLUMNS.index("expiry_time")


class Store(ListTokenStore):
    """get_token calls ``len()`` on the expiry it reads back, which an int does not have."""

    def save_token(self, token):
        super().save_token(token)
        if not isinstance(token, OAuthToken):
            return
        with self._lock:
            for index, row in enumerate(self._rows):
                if row[ID] == token.get_id() and isinstance(row[EXPIRY], str) and row[EXPIRY].isdigit():
                    self._rows[index] = (*row[:EXPIRY], int(row[EXPIRY]), *row[EXPIRY + 1 :])
