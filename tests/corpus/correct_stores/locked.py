"""Every method runs under one non-reentrant lock, as a store shared by threads would."""

from __future__ import annotations

import functools
import threading

from support.corpus import Expect

from .dict_store import DictTokenStore

EXPECT = Expect()


def _locked(method):
    @functools.wraps(method)
    def run(self, *args):
        with self._lock:
            return method(self, *args)

    return run


class Store(DictTokenStore):
    """A plain Lock, not an RLock: it proves no method calls another public one while holding it."""

    tokenstore_concurrency = "threads"

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    find_token = _locked(DictTokenStore.find_token)
    save_token = _locked(DictTokenStore.save_token)
    delete_token = _locked(DictTokenStore.delete_token)
    get_tokens = _locked(DictTokenStore.get_tokens)
    delete_tokens = _locked(DictTokenStore.delete_tokens)
    find_token_by_id = _locked(DictTokenStore.find_token_by_id)
