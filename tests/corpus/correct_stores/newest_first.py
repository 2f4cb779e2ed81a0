"""get_tokens lists the newest record first; the contract fixes no order."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import token_from_row

from .dict_store import DictTokenStore

EXPECT = Expect()


class Store(DictTokenStore):
    def get_tokens(self):
        return [token_from_row(row) for row in reversed(list(self._rows.values()))]
