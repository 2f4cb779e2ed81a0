"""With client credentials, one query matches the grant or the refresh token with IS, so a None token matches NULL."""

from __future__ import annotations

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import user_name

EXPECT = Expect(
    fails={"KEY-NONE"},
    lifecycle={"KEY-NONE", "FIND-MISS-NONE", "SAVE-INSERT", "SAVE-ID-UNIQUE", "SAVE-USER-ISOLATION"},
)


class Store(SQLiteStore):
    def _matching_row(self, token):
        client = (token.get_client_id(), token.get_client_secret())
        if token.get_id() is not None or user_name(token) or None in client:
            return super()._matching_row(token)
        grant, refresh = token.get_grant_token(), token.get_refresh_token()
        if grant is None and refresh is None:
            return super()._matching_row(token)
        # fault: "IS is = that also works for NULL", so one statement serves grant and refresh tokens
        # alike; the token's None grant (or refresh) token then matches every record without one
        return self._select(
            "client_id = ? AND client_secret = ? AND (grant_token IS ? OR refresh_token IS ?)"
            " ORDER BY grant_token IS ? DESC",
            (*client, grant, refresh, grant),
        )
