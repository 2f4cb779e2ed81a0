"""An update that changes no value counts as "no such record" (MySQL's affected rows), so it inserts."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import UPDATE, SQLiteStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import COLUMNS, ID, merged_row, row_from_token
from tokenstore_conformance.sdk import OAuthToken, SDKException

EXPECT = Expect(
    fails={"SAVE-IDEMPOTENT"},
)

# MySQL reports the rows an UPDATE changed, not the rows it matched; this condition does the same here.
CHANGED = " OR ".join(f"{column} IS NOT ?" for column in COLUMNS[1:])


class Store(SQLiteStore):
    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        try:
            with self.db:
                stored = self._matching_row(token)
                updated = 0
                if stored is not None:
                    row = merged_row(stored, token)
                    updated = self.db.execute(
                        f"{UPDATE} AND ({CHANGED})", (*row[1:], row[ID], *row[1:])
                    ).rowcount
                    if token.get_id() is None:
                        token.set_id(stored[ID])
                if updated == 0:  # fault: "nothing changed" is taken for "nothing matched"
                    if token.get_id() is None:
                        token.set_id(self._new_id())
                    self._insert(row_from_token(token))
        except Exception as exc:
            raise SDKException("TOKEN_STORE", "could not save the token", cause=exc) from exc
