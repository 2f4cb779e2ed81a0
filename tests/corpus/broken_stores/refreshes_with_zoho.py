"""find_token refreshes an expired token itself, POSTing to Zoho's accounts server, and logs any error.

The way real stores go wrong: a helpful refresh inside the store, with the
network call wrapped in ``except Exception`` so that a failed refresh only
logs a warning and the stored token is returned as it was. The kit refuses
the connection (the name is never even looked up) and the store carries on,
so every other clause passes; NET-LOOPBACK fails because the guard logs each
refused attempt, not only an exception that reaches the kit.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
import urllib.parse
import urllib.request

from correct_stores.sqlite_single_connection import SQLiteStore
from support.corpus import Expect

EXPECT = Expect(
    fails={"NET-LOOPBACK"},
)

ACCOUNTS_URL = "https://accounts.zoho.com/oauth/v2/token"
log = logging.getLogger(__name__)
# One TLS context for every refresh: building one loads the system certificates, which costs more
# than the refused connection itself on every lookup of an expired token.
TLS = ssl.create_default_context()


class Store(SQLiteStore):
    def find_token(self, token):
        found = super().find_token(token)
        if found is not None and _expired(found) and found.get_refresh_token() and found.get_client_id():
            try:
                self._refresh(found)  # fault: the store calls Zoho on its own
            except Exception as exc:  # a refresh that fails must not break the lookup...
                log.warning("token refresh failed: %s", exc)
        return found

    def _refresh(self, token):
        body = urllib.parse.urlencode(
            {
                "grant_type": "refresh_token",
                "client_id": token.get_client_id(),
                "client_secret": token.get_client_secret(),
                "refresh_token": token.get_refresh_token(),
            }
        ).encode()
        with urllib.request.urlopen(ACCOUNTS_URL, data=body, timeout=10, context=TLS) as response:
            answer = json.load(response)
        token.set_access_token(answer["access_token"])
        token.set_expires_in(str(int(time.time() * 1000) + int(answer["expires_in"]) * 1000))
        self.save_token(token)


def _expired(token) -> bool:
    expiry = token.get_expires_in()
    return expiry is not None and expiry.isdigit() and int(expiry) < time.time() * 1000
