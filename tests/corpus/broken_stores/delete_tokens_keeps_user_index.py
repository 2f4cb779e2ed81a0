"""delete_tokens empties the records but not the user-name index, so saving a returning user fails."""

from __future__ import annotations

from correct_stores.user_index import UserIndexTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"DELETEALL-REUSABLE"},
    collateral={"DELETEALL-EMPTIES"},
)


class Store(UserIndexTokenStore):
    def delete_tokens(self):
        self._rows.clear()  # fault: self._id_by_user still maps every old user name to a gone id
