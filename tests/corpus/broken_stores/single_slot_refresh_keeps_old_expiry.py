"""A single-user store whose update writes every variable but the expiry: a refresh keeps the old one.

The slot's ``ZOHO_EXPIRY_TIME`` is written on a new login only, so after a
refresh the stored token still looks expired, and every start refreshes again.
"""

from __future__ import annotations

from correct_stores.single_slot import SingleSlotTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import COLUMNS, ID, merged_row, new_id, row_from_token
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"SAVE-KEEP-STORED"},
    # The updates of these tests bring a new expiry too (FLOW-EXPIRY and FLOW-DC fail as well).
    collateral={"SAVE-UPSERT-ID", "SAVE-UPSERT-ACCESS"},
)

EXPIRY = COLUMNS.index("expiry_time")


class Store(SingleSlotTokenStore):
    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._lock:
            row = self._held_for(token)
            if row is not None:
                merged = merged_row(row, token)
                # fault: the expiry variable is left as it was
                self._write((*merged[:EXPIRY], row[EXPIRY], *merged[EXPIRY + 1 :]))
                if token.get_id() is None:
                    token.set_id(row[ID])
                return
            if token.get_id() is None:
                token.set_id(new_id())
            self._write(row_from_token(token))
