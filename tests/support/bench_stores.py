"""Stores for tests/kit/test_bench.py, named by SPEC (``bench_stores:ATTR``) like a user's own module."""

from __future__ import annotations

import time

from tokenstore_conformance.records import make_token
from tokenstore_conformance.reference_stores.list_store import ListTokenStore

# What the factories below saw; the tests read and reset these.
TEARDOWNS: list[str] = []
DIRECTORIES: list[str] = []


def prefilled() -> ListTokenStore:
    """A store that already holds someone's token, as a production database would."""
    store = ListTokenStore()
    store.save_token(make_token(user_name="someone@example.test", access_token="theirs"))
    return store


def with_teardown(tmp_path):
    """A generator factory: the bench must run the code after ``yield`` once per store it built."""
    DIRECTORIES.append(str(tmp_path))
    yield ListTokenStore()
    TEARDOWNS.append(str(tmp_path))


class ForgetfulStore(ListTokenStore):
    """Saves, but never finds anything: fast and wrong."""

    def find_token(self, token):
        return None


class SlowSaves(ListTokenStore):
    """Every save takes 5 ms, as a save over the network to a database might."""

    def save_token(self, token):
        time.sleep(0.005)
        super().save_token(token)


class SlowPast30(ListTokenStore):
    """Fast while it holds fewer than 30 tokens, then 10 ms a save: small sizes finish, larger ones crawl."""

    def save_token(self, token):
        if len(self._rows) >= 30:
            time.sleep(0.01)
        super().save_token(token)


# The stores the Ctrl-C factories built, so a test can check they were emptied.
BUILT: list[ListTokenStore] = []


class _CtrlCPast30(ListTokenStore):
    """Raises KeyboardInterrupt from ``method`` once it holds 30 tokens, as Ctrl-C inside that call would."""

    method = ""

    def _maybe_interrupt(self, name):
        if name == self.method and len(self._rows) >= 30:
            raise KeyboardInterrupt

    def save_token(self, token):
        self._maybe_interrupt("save_token")
        super().save_token(token)

    def find_token(self, token):
        self._maybe_interrupt("find_token")
        return super().find_token(token)


def _ctrl_c_factory(method, tmp_path):
    store = type(f"CtrlCIn_{method}", (_CtrlCPast30,), {"method": method})()
    BUILT.append(store)
    DIRECTORIES.append(str(tmp_path))
    yield store
    TEARDOWNS.append(str(tmp_path))


def ctrl_c_in_fill(tmp_path):
    """Ctrl-C during the fill of any size above 30 (the 31st save)."""
    yield from _ctrl_c_factory("save_token", tmp_path)


def ctrl_c_in_round(tmp_path):
    """Ctrl-C at the first find after a fill above 30 tokens: during the rounds."""
    yield from _ctrl_c_factory("find_token", tmp_path)
