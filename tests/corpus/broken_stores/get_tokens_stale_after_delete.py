"""get_tokens caches its list and only a save invalidates it, so deleted records keep coming back."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import token_from_row

EXPECT = Expect(
    fails={"DELETE-ONE", "DELETEALL-EMPTIES"},
    collateral={"CAPACITY", "READ-AFTER-WRITE"},
    # Stopped at another clause's precondition by the same fault.
    blocked={"SAVE-ID-UNIQUE"},
)


class Store(DictTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._listing: list | None = None

    def save_token(self, token):
        super().save_token(token)
        self._listing = None  # fault: delete_token and delete_tokens forget to do the same

    def get_tokens(self):
        if self._listing is None:
            self._listing = list(self._rows.values())
        return [token_from_row(row) for row in self._listing]
