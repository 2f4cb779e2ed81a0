"""Characters outside the Basic Multilingual Plane are stored as '?', as a MySQL utf8mb3 column does."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"ROUNDTRIP-HOSTILE"},
)


def _utf8mb3(value):
    if not isinstance(value, str):
        return value
    return "".join(c if ord(c) <= 0xFFFF else "?" for c in value)  # fault: 4-byte characters lost


class Store(DictTokenStore):
    def save_token(self, token):
        super().save_token(token)
        for record_id, row in list(self._rows.items()):
            self._rows[record_id] = tuple(_utf8mb3(v) if i else v for i, v in enumerate(row))
