"""Updates run as UPDATE OR IGNORE under a CHECK that caps a revision counter, so a record's third update is silently dropped."""

from __future__ import annotations

import sqlite3

from support.corpus import Expect

from tokenstore_conformance.reference_stores.memory_store import InMemoryTokenStore
from tokenstore_conformance.reference_stores.records import ID, merged_row, new_id, row_from_token
from tokenstore_conformance.reference_stores.sql import INSERT, SCHEMA
from tokenstore_conformance.sdk import OAuthToken, SDKException

# Only a sequence shows the fault: the lifecycle test catches it and names one of ``lifecycle``.
EXPECT = Expect(
    fails={"LIFECYCLE"}, lifecycle={"SAVE-UPSERT-ID", "SAVE-UPSERT-USER", "SAVE-KEEP-STORED", "BYID-HIT"}
)

TABLE = SCHEMA[0].replace(
    "api_domain TEXT)", "api_domain TEXT, revision INTEGER NOT NULL DEFAULT 0 CHECK (revision < 3))"
)
UPDATE = (
    "UPDATE OR IGNORE oauthtoken SET user_name = ?, client_id = ?, client_secret = ?, refresh_token = ?,"
    " access_token = ?, grant_token = ?, expiry_time = ?, redirect_url = ?, api_domain = ?,"
    " revision = revision + 1 WHERE id = ?"
)


class Store(InMemoryTokenStore):
    def _create_schema(self) -> None:
        with self._transaction() as connection:
            for statement in (TABLE, *SCHEMA[1:]):
                connection.execute(statement)

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        try:
            with self._transaction() as connection:
                stored = self._matching_row(connection, token)
                if stored is None:
                    if token.get_id() is None:
                        token.set_id(new_id())
                    connection.execute(INSERT, row_from_token(token))
                else:
                    row = merged_row(stored, token)
                    connection.execute(UPDATE, (*row[1:], row[ID]))
                    if token.get_id() is None:
                        token.set_id(row[ID])
        except sqlite3.Error as exc:
            raise SDKException("TOKEN_STORE", "could not save the token", cause=exc) from exc
