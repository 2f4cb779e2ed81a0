"""The UPDATE picks rows by client id and secret, so refreshing one user's token rewrites every user's."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"SAVE-USER-ISOLATION"},
    collateral={"SAVE-PRECEDENCE"},
)


class Store(SQLiteStore):
    def _update(self, stored, row):
        if stored[2] is None or stored[3] is None:
            return super()._update(stored, row)
        # fault: the record was found by the right key, but the write is aimed at the client application
        self.db.execute(
            "UPDATE oauthtoken SET refresh_token = ?, access_token = ?, grant_token = ?, expiry_time = ?,"
            " redirect_url = ?, api_domain = ? WHERE client_id = ? AND client_secret = ?",
            (*row[4:], stored[2], stored[3]),
        )
        self.db.execute(
            "UPDATE oauthtoken SET client_id = ?, client_secret = ? WHERE id = ?", (*row[2:4], stored[0])
        )
