"""A single-user store that writes every token's values into its one slot, whoever the token is for.

``os.environ.update`` of the variables that arrived: a second user's login keeps
the first user's id and every variable the new token leaves None (its refresh
token, its API domain), so the slot holds a record that belongs to neither.
"""

from __future__ import annotations

from correct_stores.single_slot import SingleSlotTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import ID, merged_row, new_id, row_from_token
from tokenstore_conformance.sdk import OAuthToken

EXPECT = Expect(
    fails={"SAVE-SECOND-USER"},
)


class Store(SingleSlotTokenStore):
    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._lock:
            row = self._row()  # fault: the slot is updated without asking whether the token names it
            if row is not None:
                self._write(merged_row(row, token))
                if token.get_id() is None:
                    token.set_id(row[ID])
                return
            if token.get_id() is None:
                token.set_id(new_id())
            self._write(row_from_token(token))
