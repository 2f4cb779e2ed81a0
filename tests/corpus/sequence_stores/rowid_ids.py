"""New ids are MAX(rowid)+1 and inserts are INSERT OR REPLACE, so a new record silently replaces one whose caller-chosen id is that number."""

from __future__ import annotations

import sqlite3

from support.corpus import Expect

from tokenstore_conformance.reference_stores.memory_store import InMemoryTokenStore
from tokenstore_conformance.reference_stores.records import COLUMNS, ID, merged_row, row_from_token
from tokenstore_conformance.sdk import OAuthToken, SDKException

# Only a sequence shows the fault: the lifecycle test catches it and names one of ``lifecycle``.
EXPECT = Expect(fails={"LIFECYCLE"}, lifecycle={"SAVE-ID-UNIQUE", "SAVE-INSERT"})

INSERT = f"INSERT OR REPLACE INTO oauthtoken ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
UPDATE = f"UPDATE oauthtoken SET {', '.join(c + ' = ?' for c in COLUMNS[1:])} WHERE id = ?"


class Store(InMemoryTokenStore):
    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        try:
            with self._transaction() as connection:
                stored = self._matching_row(connection, token)
                if stored is None:
                    if token.get_id() is None:
                        (last,) = connection.execute(
                            "SELECT COALESCE(MAX(rowid), 0) FROM oauthtoken"
                        ).fetchone()
                        token.set_id(str(last + 1))
                    connection.execute(INSERT, row_from_token(token))
                else:
                    row = merged_row(stored, token)
                    connection.execute(UPDATE, (*row[1:], row[ID]))
                    if token.get_id() is None:
                        token.set_id(row[ID])
        except sqlite3.Error as exc:
            raise SDKException("TOKEN_STORE", "could not save the token", cause=exc) from exc
