"""One row per client application (UNIQUE client_id, INSERT OR REPLACE): a second user replaces the first."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import INSERT, SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"SAVE-INSERT"},
    # Stopped at another clause's precondition by the same fault.
    blocked={
        "CAPACITY",
        "DELETE-ONE",
        "DELETE-UNKNOWN",
        "DELETEALL-REUSABLE",
        "FIND-BY-ACCESS",
        "FIND-BY-GRANT",
        "FIND-BY-ID",
        "FIND-BY-REFRESH",
        "FIND-BY-USER",
        "FIND-FILL-NONE-ONLY",
        "FIND-MISS-NONE",
        "FIND-PRECEDENCE",
        "FIND-SAME-OBJECT",
        "FIND-USER-ONLY",
        "GET-ALL",
        "ROUNDTRIP-HOSTILE",
        "SAVE-ID-UNIQUE",
        "SAVE-PRECEDENCE",
        "SAVE-USER-ISOLATION",
    },
)


class Store(SQLiteStore):
    schema = (
        *SQLiteStore.schema,
        # fault: "one client, one token" holds only for a single-user application
        "CREATE UNIQUE INDEX oauthtoken_client ON oauthtoken (client_id)",
    )

    def _insert(self, row):
        self.db.execute(INSERT.replace("INSERT", "INSERT OR REPLACE", 1), self._encode(row))
