"""An update writes every column from the token, so fields the token leaves None are erased."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, row_from_token
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"SAVE-KEEP-STORED"},
    # An update by id that erases fields looks just like a save by id that replaces the record.
    collateral={"SAVE-UPSERT-ID"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"SAVE-PRECEDENCE", "SAVE-UPSERT-ACCESS", "SAVE-UPSERT-USER"},
)


class Store(SQLiteStore):
    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self.db:
            stored = self._matching_row(token)
            if stored is None:
                if token.get_id() is None:
                    token.set_id(self._new_id())
                self._insert(row_from_token(token))
            else:
                self._update(stored, row_from_token(token))  # fault: not merged with the stored row
                if token.get_id() is None:
                    token.set_id(stored[ID])
