"""Caches every read (hits, misses, by id and the listing) and drops the whole cache on every write."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import fill_token, lookup_key, token_from_row
from tokenstore_conformance.sdk import OAuthToken

from .dict_store import DictTokenStore

EXPECT = Expect()

_MISS = object()


class CachedTokenStore(DictTokenStore):
    """A read-through cache in front of the rows, for stores whose reads are expensive.

    Working out which entries a write makes stale is where caches go wrong (a
    delete names only an id, a refresh changes a key, an update turns a miss
    into a hit), so every write simply forgets everything. Entries are row
    tuples, never tokens, so callers cannot change the cache.
    """

    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[tuple, object] = {}

    def _cached(self, key: tuple, read):
        if key not in self._cache:
            self._cache[key] = read()
        return self._cache[key]

    def _forget(self) -> None:
        self._cache = {}

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        by_id = token.get_id() if token.get_id() in self._rows else None
        key = ("find", by_id, lookup_key(token))
        row = self._cached(key, lambda: self._matching_row(token) or _MISS)
        return fill_token(token, row) if row is not _MISS else None

    def find_token_by_id(self, id):
        row = self._cached(("id", id), lambda: self._rows.get(id, _MISS))
        return token_from_row(row) if row is not _MISS else None

    def get_tokens(self):
        return [token_from_row(row) for row in self._cached(("all",), lambda: list(self._rows.values()))]

    def save_token(self, token):
        self._forget()
        super().save_token(token)

    def delete_token(self, id):
        self._forget()
        super().delete_token(id)

    def delete_tokens(self):
        self._forget()
        super().delete_tokens()


Store = CachedTokenStore
