"""New ids are max(id)+1, read before the write transaction begins: two writers pick the same id."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.sdk import OAuthToken

from ._sqlite import SQLiteFileStore

EXPECT = Expect(
    fails={"CONC-THREADS-DISTINCT", "CONC-PROC-DISTINCT"},
)


class Store(SQLiteFileStore):
    # Numeric ids in a TEXT column with no key on it, as many hand-written schemas have.
    schema = (
        "CREATE TABLE IF NOT EXISTS oauthtoken (id TEXT NOT NULL, user_name TEXT, client_id TEXT,"
        " client_secret TEXT, refresh_token TEXT, access_token TEXT, grant_token TEXT, expiry_time TEXT,"
        " redirect_url TEXT, api_domain TEXT)",
        "CREATE UNIQUE INDEX IF NOT EXISTS oauthtoken_user_name ON oauthtoken (user_name)",
    )

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        with self._connection() as db:  # fault: the next id is read before the transaction
            (top,) = db.execute("SELECT MAX(CAST(id AS INTEGER)) FROM oauthtoken").fetchone()
        with self._transaction() as db:
            stored = self._matching(db, token)
            if stored is None:
                if token.get_id() is None:
                    token.set_id(str((top or 0) + 1))
                self._insert(db, token)
            else:
                self._update(db, stored, token)


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "tokens.db")
