"""The rules that read every path around a write: a long-running application, and warm caches.

A store that caches invalidates the paths its author thought of. The rules
here act like a long-running application: a token refreshed again and again,
and every read path (``find_token`` by each key, by the values a write is
about to bring, ``find_token_by_id``, ``get_tokens``) read just before one
write (a delete, ``delete_tokens``, a refresh, a new login by user name, a
rename) and again just after it. Failures after the write name
READ-AFTER-WRITE.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from ..records import TokenRecord, family_variant, make_token
from . import strategies as values
from .base import RECORDS, TOKENS, pick
from .checked import CheckedSteps

WRITES = ("delete_token", "delete_tokens", "refresh", "new-login-by-user-name", "rename")


class CacheRules(CheckedSteps):
    """Rules for long-running applications and warm caches."""

    # --- a long-running application -------------------------------------------------

    @rule(record=RECORDS, times=st.integers(2, 5), text=values.token_texts())
    def refreshed_all_day(self, record: str, times: int, text: str) -> None:
        """The SDK refreshes one user's token every hour: several updates of one record in a row.

        Each one must land, and find the record by its new keys; a store that
        stops writing a row after a few updates, caches it after the first, or
        indexes a key on insert only, falls behind.
        """
        if record not in self.model.records:
            return
        for hour in range(times):
            token = self._held_token(record)
            refreshable = self._refreshable(token)
            expiry = str(1767225600000 + 3600000 * (hour + 1))
            self._exchange(token, text, expiry, rotate=refreshable and hour % 2 == 1)
            self._save(token, f"hour {hour + 1}: the SDK refreshes the token of {record!r}")
            self._find_by_id(record, f"hour {hour + 1}: the SDK reads the token back by its id")
            # A restart in between starts from the keys the record has now, a rotated refresh token too.
            for query in self._probes(self.model.records[record], {}):
                self._probe(query, f"hour {hour + 1}: a restarted worker looks the token up")

    # --- warm caches ------------------------------------------------------------------

    def _read_every_path(self, probes: list[dict], rid: str, why: str) -> None:
        for query in probes:
            self._probe(query, why)
        self._find_by_id(rid, why)
        self._compare_listing(why)

    @precondition(lambda self: self.model.records)
    @rule(
        which=st.integers(0, 15),
        write=st.sampled_from(WRITES),
        app=values.client_apps(),
        kind=values.name_variant_kinds(),
        text=values.token_texts(),
        expiry=values.expiries(),
    )
    def warm_then_write_then_read(
        self, which: int, write: str, app: dict, kind: str, text: str, expiry: str
    ) -> None:
        """Read every path of a record (and the values about to arrive), make one write, read them all again."""
        rid = pick(self.model.records, which)
        held = self.model.records[rid]
        if held.client_id is not None and held.client_secret is not None:
            app = {"client_id": held.client_id, "client_secret": held.client_secret}
        incoming = {key: self._fresh(text) for key in TOKENS}
        renamed = family_variant(held.user_name, kind) if held.user_name else None
        incoming["user_name"] = self._unused_name(renamed or self._fresh(text))
        probes = self._probes(held, app) + [self._query(k, v, app) for k, v in incoming.items()]
        self._read_every_path(probes, rid, f"warm the caches of {rid!r}")
        with self._in("READ-AFTER-WRITE"):
            self._write(write, rid, held, app, incoming, expiry)
            self._read_every_path(probes, rid, f"read again after {write}")

    def _write(self, write: str, rid: str, held: TokenRecord, app: dict, incoming: dict, expiry: str) -> None:
        if write == "delete_token":
            self._delete(rid, "the warmed record is deleted")
        elif write == "delete_tokens":
            self._delete_all()
        elif write == "new-login-by-user-name" and held.user_name:
            token = make_token(user_name=held.user_name, **app, **{k: incoming[k] for k in TOKENS})
            token.set_expires_in(expiry)
            self._save(token, f"{held.user_name!r} signs in again with new tokens")
        elif write == "rename":
            token = make_token(id=rid, user_name=incoming["user_name"])
            self._save(token, f"the record is renamed to {incoming['user_name']!r}")
        else:
            token = make_token(id=rid, access_token=incoming["access_token"], expires_in=expiry)
            if held.refresh_token is not None:
                token.set_refresh_token(incoming["refresh_token"])
            self._save(token, "the warmed record is refreshed by its id")
