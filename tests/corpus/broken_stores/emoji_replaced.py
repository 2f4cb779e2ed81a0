"""Characters outside the Basic Multilingual Plane are stored as '?', as a MySQL utf8mb3 column does."""

from __future__ import annotations

import re

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"ROUNDTRIP-HOSTILE"},
)


OUTSIDE_THE_BMP = re.compile("[\U00010000-\U0010ffff]")


def _utf8mb3(value):
    # fault: 4-byte characters lost
    return OUTSIDE_THE_BMP.sub("?", value) if isinstance(value, str) else value


class Store(DictTokenStore):
    def save_token(self, token):
        before = dict(self._rows)
        super().save_token(token)
        # The rows this save wrote: the column converts what is written to it, as the server does.
        for record_id, row in self._rows.items():
            if before.get(record_id) is not row:
                self._rows[record_id] = tuple(_utf8mb3(v) if i else v for i, v in enumerate(row))
