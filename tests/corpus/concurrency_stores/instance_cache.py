"""Each instance keeps the records it has looked up or saved, and answers find_token by user name from them."""

from __future__ import annotations

from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import fill_token, user_name
from tokenstore_conformance.sdk import OAuthToken

from ._sqlite import SQLiteFileStore

EXPECT = Expect(
    fails={"CONC-PROC-VISIBLE"},
)


class Store(SQLiteFileStore):
    def __init__(self, path) -> None:
        super().__init__(path)
        self._by_user: dict[str, tuple] = {}  # fault: never told what other processes write

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        name = user_name(token)
        if token.get_id() is None and name and name in self._by_user:
            return fill_token(token, self._by_user[name])
        with self._connection() as db:
            row = self._matching(db, token)
        if row is None:
            return None
        if row[1]:
            self._by_user[row[1]] = row
        return fill_token(token, row)

    def save_token(self, token):
        super().save_token(token)
        if isinstance(token, OAuthToken) and token.get_id() is not None:
            with self._connection() as db:
                row = self._select(db, "id", token.get_id())
            self._by_user = {n: r for n, r in self._by_user.items() if r[0] != token.get_id()}
            if row is not None and row[1]:
                self._by_user[row[1]] = row

    def delete_token(self, id):
        super().delete_token(id)
        self._by_user = {n: r for n, r in self._by_user.items() if r[0] != id}

    def delete_tokens(self):
        super().delete_tokens()
        self._by_user = {}


def make_store(tmp_path) -> Store:
    return Store(tmp_path / "tokens.db")
