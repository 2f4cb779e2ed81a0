"""Ids are canonical UUID strings with dashes, 36 characters, not the reference's hex."""

from __future__ import annotations

import uuid

from support.corpus import Expect

from .dict_store import DictTokenStore

EXPECT = Expect()


class Store(DictTokenStore):
    """A string id of any shape is fine as long as it is fresh and unique."""

    def _new_id(self) -> str:
        return str(uuid.uuid4())
