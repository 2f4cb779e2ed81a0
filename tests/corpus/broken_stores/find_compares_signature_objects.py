"""find_token compares the UserSignature objects instead of their names, so a user name never matches."""

from __future__ import annotations

from correct_stores.dict_store import DictTokenStore
from support.corpus import Expect

from tokenstore_conformance.reference_stores.records import fill_token, lookup_key
from tokenstore_conformance.sdk import OAuthToken, UserSignature

EXPECT = Expect(
    fails={"FIND-BY-USER"},
    # Stopped at another clause's precondition by the same fault.
    blocked={
        "CAPACITY",
        "FIND-FILL-NONE-ONLY",
        "FIND-PRECEDENCE",
        "FIND-SAME-OBJECT",
        "FIND-USER-ONLY",
        "ROUNDTRIP-HOSTILE",
    },
)


class Store(DictTokenStore):
    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        row = self._rows.get(token.get_id()) if token.get_id() is not None else None
        if row is None and token.get_user_signature() is not None:
            # fault: UserSignature has no __eq__, so a fresh signature never equals this one
            row = next(
                (r for r in self._rows.values() if UserSignature(r[1]) == token.get_user_signature()), None
            )
            return fill_token(token, row) if row is not None else None
        if row is None:
            key = lookup_key(token)
            row = self._first(*key) if key else None
        return fill_token(token, row) if row is not None else None
