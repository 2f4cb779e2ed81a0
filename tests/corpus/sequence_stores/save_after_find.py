"""save_token reuses the record the previous find_token hit, to spare the SDK's find-then-save a second lookup, and so writes another token into it."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import ID, merged_row
from tokenstore_conformance.sdk import OAuthToken

# Only a sequence shows the fault: the lifecycle test catches it and names one of ``lifecycle``.
EXPECT = Expect(
    fails={"LIFECYCLE"},
    lifecycle={"SAVE-ID-UNIQUE", "SAVE-INSERT", "SAVE-UPSERT-ID", "SAVE-UPSERT-USER", "SAVE-USER-ISOLATION"},
)


class Store(ListTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self._last_hit: int | None = None

    def find_token(self, token):
        with self._lock:
            self._last_hit = self._matching_index(token) if isinstance(token, OAuthToken) else None
            return super().find_token(token)

    def save_token(self, token):
        with self._lock:
            index, self._last_hit = self._last_hit, None
            if index is None or not isinstance(token, OAuthToken) or index >= len(self._rows):
                return super().save_token(token)
            self._rows[index] = merged_row(self._rows[index], token)
            if token.get_id() is None:
                token.set_id(self._rows[index][ID])

    def delete_token(self, id):
        with self._lock:
            self._last_hit = None
            super().delete_token(id)

    def delete_tokens(self):
        with self._lock:
            self._last_hit = None
            super().delete_tokens()
