"""New ids are MAX(id) + 1 over a TEXT column, where '9' > '10', so the eleventh id repeats the tenth."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"SAVE-ID-UNIQUE"},
    collateral={"CAPACITY", "DELETEALL-REUSABLE", "GET-ALL"},
)


class Store(SQLiteStore):
    def _new_id(self) -> str:
        # Ids a caller chose (not all digits) are left out of the numbering.
        (largest,) = self.db.execute("SELECT MAX(id) FROM oauthtoken WHERE id NOT GLOB '*[^0-9]*'").fetchone()
        return str(int(largest) + 1) if largest else "1"  # fault: MAX compares the ids as text
