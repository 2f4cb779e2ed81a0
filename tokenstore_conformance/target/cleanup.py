"""Emptying a store the kit wrote to, even when its delete methods are broken.

The kit only ever deletes what it wrote: callers use this after checking
that the store was empty before they began, or when the user opted in with
``--tokenstore-allow-existing``.
"""

from __future__ import annotations

from ..sdk import TokenStore


def held_tokens(store: TokenStore) -> int:
    """How many tokens the store holds; 0 when ``get_tokens`` is broken (its own clauses report that)."""
    try:
        return len(store.get_tokens() or [])
    except Exception:
        return 0


def empty_store(store: TokenStore) -> None:
    """Remove everything through ``delete_tokens``, falling back to ``delete_token`` one id at a time."""
    try:
        store.delete_tokens()
        if not store.get_tokens():
            return
    except Exception:
        pass
    try:
        for token in store.get_tokens() or []:
            store.delete_token(token.get_id())
    except Exception:
        pass
