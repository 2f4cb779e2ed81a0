"""A save looks the user up, then inserts, in two transactions and with no unique index: two inserts for one user."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import row_from_token
from tokenstore_conformance.sdk import OAuthToken

from ._sqlite import COLUMNS, SQLiteFileStore

EXPECT = Expect(
    fails={"CONC-PROC-SAME-USER"},
    # Threads of one process collide here only when the GIL hands over between the lookup and the insert.
    may_also_fail={"CONC-THREADS-SAME-USER"},
)

# An update is one statement that keeps what the token leaves None: atomic on its own.
MERGE = f"UPDATE oauthtoken SET {', '.join(f'{c} = COALESCE(?, {c})' for c in COLUMNS[1:])} WHERE id = ?"


class Store(SQLiteFileStore):
    schema = SQLiteFileStore.schema[:1]  # no unique index on user_name

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        stored = self._find(token)  # fault: nothing holds what this found until the insert
        if stored is None:
            self._add(token)
        else:
            with self._connection() as db:
                db.execute(MERGE, (*row_from_token(token)[1:], stored[0]))
            if token.get_id() is None:
                token.set_id(stored[0])

    def _find(self, token: OAuthToken):
        with self._connection() as db:
            return self._matching(db, token)

    def _add(self, token: OAuthToken) -> None:
        with self._connection() as db:
            self._insert(db, token)


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "tokens.db")
