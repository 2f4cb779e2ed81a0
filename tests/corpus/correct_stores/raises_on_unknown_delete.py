"""delete_token of an unknown id raises SDKException, which the contract allows."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.sdk import SDKException

from .dict_store import DictTokenStore

EXPECT = Expect()


class Store(DictTokenStore):
    def delete_token(self, id):
        if id not in self._rows:
            raise SDKException("TOKEN_STORE", f"no token with id {id!r}")
        del self._rows[id]
