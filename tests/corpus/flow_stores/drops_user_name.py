"""Has no column for the user name: every record is stored without one."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import COLUMNS, ID
from tokenstore_conformance.sdk import OAuthToken, sdk_finds_user_name

# Where the SDK looks the user name up, it expects to find it in the record again.
EXPECT = Expect(fails={"FLOW-RESTART"} | ({"FLOW-LOGIN", "FLOW-USERS"} if sdk_finds_user_name() else set()))

USER_NAME = COLUMNS.index("user_name")


class Store(ListTokenStore):
    """A restart with a UserSignature then finds nothing, and the SDK wants a new login."""

    def save_token(self, token):
        super().save_token(token)
        if not isinstance(token, OAuthToken):
            return
        with self._lock:
            self._rows = [
                (*row[:USER_NAME], None, *row[USER_NAME + 1 :]) if row[ID] == token.get_id() else row
                for row in self._rows
            ]
