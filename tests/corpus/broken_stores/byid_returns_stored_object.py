"""find_token_by_id returns the OAuthToken object the store keeps, so changing it changes the store."""

from __future__ import annotations

from correct_stores.deep_copies import Store as TokenObjectStore

EXPECTED_CLAUSES = {"BYID-DETACHED"}
COLLATERAL: set[str] = set()


class Store(TokenObjectStore):
    def find_token_by_id(self, id):
        return self._tokens.get(id)  # fault: the kept object, not a copy
