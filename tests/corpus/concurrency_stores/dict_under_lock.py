"""Correct for threads: a dict of rows with every method under one lock."""

from __future__ import annotations

import threading

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

EXPECT = Expect()


def _locked(method):
    def run(self, *args):
        with self._lock:
            return method(self, *args)

    run.__name__ = method.__name__
    return run


class Store(DictTokenStore):
    tokenstore_concurrency = "threads"

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.RLock()

    find_token = _locked(DictTokenStore.find_token)
    save_token = _locked(DictTokenStore.save_token)
    delete_token = _locked(DictTokenStore.delete_token)
    get_tokens = _locked(DictTokenStore.get_tokens)
    delete_tokens = _locked(DictTokenStore.delete_tokens)
    find_token_by_id = _locked(DictTokenStore.find_token_by_id)
