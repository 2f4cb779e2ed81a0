"""Stores for tests/test_bench.py, named by SPEC (``bench_stores:ATTR``) like a user's own module."""

from __future__ import annotations

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
