"""delete_tokens empties the user-name index but not the records themselves."""

from __future__ import annotations

from correct_stores.user_index import UserIndexTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"DELETEALL-EMPTIES"},
    collateral={"DELETEALL-REUSABLE"},
)


class Store(UserIndexTokenStore):
    def delete_tokens(self):
        self._id_by_user.clear()  # fault: self._rows is left as it was
