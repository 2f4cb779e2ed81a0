"""Rules that explore the corners of the key space on purpose, added to the lifecycle machine.

The rules of ``machine.py`` follow what the SDK does, and values drawn at
random rarely land where stores go wrong. The rules here aim at four kinds of
fault, each a bug real stores have, and name the clause of each kind in every
failure they find:

- a user no record has, whose token carries another user's keys: a store that
  "falls back" past the user name writes over the other user (SAVE-USER-ONLY);
- tokens with keys left None, against records that lack the same keys, which
  ``None == None`` or ``IS NULL`` merges (KEY-NONE);
- user names that differ from a stored one in one small way, signing in and
  out side by side (USER-NAME-EXACT, with ``records/names.py``);
- every read path read, one write (a delete, a refresh, a new login by user
  name, a rename), every read path read again: caches the write missed
  (READ-AFTER-WRITE).

Values stay in a small pool on purpose: names come from the users of the
sequence and their near-duplicates, keys from records that are stored, so
that what a rule asks about collides with what the store holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from ..records import KEYS, make_token, near_duplicate, record_of, records_of
from . import strategies as values
from .machine import LifecycleMachine
from .model import Undefined

TOKENS = ("access_token", "grant_token", "refresh_token")
NONE_SHAPES = (
    "unknown-id",
    "access-token-only",
    "credentials-and-grant",
    "credentials-and-refresh",
    "credentials-only",
    "client-id-and-access",
    "no-key",
)
WRITES = ("delete_token", "delete_tokens", "refresh", "new-login-by-user-name", "rename")


def _pick(records: dict, which: int) -> str:
    return list(records)[which % len(records)]


class AdversarialMachine(LifecycleMachine):
    """The lifecycle machine, plus rules that aim at the key space's corners and at caches."""

    users = LifecycleMachine.users

    # --- helpers ------------------------------------------------------------------

    def _owner(self, field: str, value: str | None) -> str | None:
        """The id of the record whose ``field`` is ``value``, if any."""
        return next((rid for rid, r in self.model.records.items() if getattr(r, field) == value), None)

    def _probe(self, query: dict[str, str | None], why: str) -> None:
        """find_token with these fields, compared with the model; skipped where the contract says nothing."""
        try:
            self.model.match(record_of(make_token(**query)))
        except Undefined:
            return
        found, _ = self._find(query, why)
        self._scribble([found], "find_token")

    def _probes(self, held, app: dict[str, str]) -> list[dict[str, str]]:
        """A lookup by each key the record has, with the credentials that key needs."""
        return [self._query(key, getattr(held, key), app) for key in KEYS if getattr(held, key) is not None]

    def _unused_name(self, name: str) -> str:
        return name if self._owner("user_name", name) is None else self._fresh(name)

    @contextmanager
    def _in(self, *clauses: str) -> Iterator[None]:
        """Name ``clauses`` in every failure inside the block: the kind of fault the rule aims at."""
        self.context = clauses
        try:
            yield
        finally:
            self.context = ()

    # --- near-duplicate user names ---------------------------------------------

    @rule(target=users, user=users, kind=values.name_variant_kinds())
    def a_user_with_a_near_duplicate_name(self, user: str, kind: str) -> str:
        """Another user, whose name one sloppy comparison takes for an existing user's."""
        return near_duplicate(user, kind) or near_duplicate(user, "extended")

    @precondition(lambda self: any(r.user_name for r in self.model.records.values()))
    @rule(
        which=st.integers(0, 15),
        kind=values.name_variant_kinds(),
        app=values.client_apps(),
        text=values.token_texts(),
        expiry=values.expiries(),
        first_leaves=st.booleans(),
    )
    def near_duplicate_users_sign_in_and_out(
        self, which: int, kind: str, app: dict, text: str, expiry: str, first_leaves: bool
    ) -> None:
        """A user whose name is a near-duplicate of a stored user's signs in; one of them signs out."""
        named = {rid: r.user_name for rid, r in self.model.records.items() if r.user_name}
        rid = _pick(named, which)
        name = named[rid]
        other = near_duplicate(name, kind) or near_duplicate(name, "extended")
        with self._in("USER-NAME-EXACT"):
            self._probe({"user_name": other}, f"look up {other!r}, a {kind} near-duplicate of {name!r}")
            other_rid = self._owner("user_name", other)
            if other_rid is None:
                token = make_token(**app, grant_token=self._fresh(text), user_name=other)
                self._exchange(token, text, expiry)
                other_rid = self._save(token, f"{other!r} signs in next to {name!r}")
            for each in (name, other):
                self._probe({"user_name": each}, f"look up {each!r} by name")
            gone, kept = (rid, other) if first_leaves else (other_rid, name)
            self._delete(gone, f"{self.model.records[gone].user_name!r} signs out")
            self._probe({"user_name": kept}, f"{kept!r} is still found by name")

    # --- a user no record has, with another user's keys ---------------------------

    @precondition(lambda self: self.model.records)
    @rule(
        which=st.integers(0, 15),
        user=users,
        kind=st.none() | values.name_variant_kinds(),
        shared=st.sets(st.sampled_from(TOKENS), min_size=1),
        with_credentials=st.booleans(),
        text=values.token_texts(),
        expiry=values.expiries(),
        domain=values.api_domains(),
    )
    def another_user_with_someone_elses_tokens(
        self,
        which: int,
        user: str,
        kind: str | None,
        shared: set[str],
        with_credentials: bool,
        text: str,
        expiry: str,
        domain: str,
    ) -> None:
        """A user no record has, on a token with keys of another user's record: a find misses, a save inserts.

        Then the new user's tokens are refreshed, so that from here on no two
        records share a key (which the contract leaves to the store).
        """
        held = self.model.records[_pick(self.model.records, which)]
        near = near_duplicate(held.user_name, kind) if kind and held.user_name else None
        name = self._unused_name(near or user)
        keys = {key: getattr(held, key) for key in sorted(shared) if getattr(held, key) is not None}
        client = {}
        if with_credentials:
            client = {"client_id": held.client_id, "client_secret": held.client_secret}
            if None in client.values():
                client = dict(values.CLIENT_APPS[0])
        query = {"user_name": name, **keys, **client}
        with self._in("SAVE-USER-ONLY"):
            self._probe(
                query, f"{name!r}, whom no record has, looks up with {held.user_name!r}'s {sorted(keys)}"
            )
            token = make_token(**query, expires_in=expiry, api_domain=domain)
            new = self._save(token, f"{name!r} is saved with {held.user_name!r}'s {sorted(keys)}")
            self._compare_listing(f"{held.user_name!r}'s record is unchanged")
        if keys:
            refreshed = make_token(id=new, **{key: self._fresh(text) for key in keys})
            self._save(refreshed, f"{name!r}'s tokens are refreshed")

    # --- keys left None -------------------------------------------------------------

    @rule(
        shape=st.sampled_from(NONE_SHAPES),
        app=values.client_apps(),
        text=values.token_texts(),
        extra=values.extras(),
        save=st.booleans(),
        chosen=values.caller_ids(),
    )
    def a_token_with_keys_left_none(
        self, shape: str, app: dict, text: str, extra: dict, save: bool, chosen: str
    ) -> None:
        """A token whose deciding key is unknown (or that has none), every other key None.

        Its id comes from a small pool ("1" to "5" among them), which collides
        with the ids of stores that number their records.
        """
        fresh = self._fresh(text)
        query = {
            "unknown-id": {"id": chosen},
            "access-token-only": {"access_token": fresh},
            "credentials-and-grant": {**app, "grant_token": fresh},
            "credentials-and-refresh": {**app, "refresh_token": fresh},
            "credentials-only": dict(app),
            "client-id-and-access": {"client_id": app["client_id"], "access_token": fresh},
            "no-key": {},
        }[shape]
        query.update(extra)
        with self._in("KEY-NONE"):
            if save:
                self._save(make_token(**query), f"a token with keys left None ({shape}) is saved")
            else:
                self._probe(query, f"look up a token with keys left None ({shape})")

    # --- warm caches ------------------------------------------------------------------

    def _compare_listing(self, why: str) -> None:
        """get_tokens of the instance in use against the model (the invariant reads every instance later)."""
        self.step_clauses = ("GET-ALL",)
        self._say(f"{why}: get_tokens()")
        tokens = self._call(self.store, "get_tokens", clauses=self.step_clauses)
        if not isinstance(tokens, list):
            self._fail(("GET-ALL",), f"get_tokens() returned {tokens!r}, not a list")
        got, expected = records_of(tokens), self.model.all()
        if got != expected:
            self._fail(self._blame(got, ("GET-ALL",)), self._difference(got, expected, ""))
        self._scribble(tokens, "get_tokens")

    def _read_every_path(self, probes: list[dict], rid: str, why: str) -> None:
        for query in probes:
            self._probe(query, why)
        self.step_clauses = ("BYID-HIT",) if rid in self.model.records else ("BYID-MISS",)
        self._say(f"{why}: find_token_by_id({rid!r})")
        found = self._call(self.store, "find_token_by_id", rid, clauses=self.step_clauses)
        self._compare_by_id(rid, found)
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
        rid = _pick(self.model.records, which)
        held = self.model.records[rid]
        if held.client_id is not None and held.client_secret is not None:
            app = {"client_id": held.client_id, "client_secret": held.client_secret}
        incoming = {key: self._fresh(text) for key in TOKENS}
        renamed = near_duplicate(held.user_name, kind) if held.user_name else None
        incoming["user_name"] = self._unused_name(renamed or self._fresh(text))
        probes = self._probes(held, app) + [self._query(k, v, app) for k, v in incoming.items()]
        self._read_every_path(probes, rid, f"warm the caches of {rid!r}")
        with self._in("READ-AFTER-WRITE"):
            self._write(write, rid, held, app, incoming, expiry)
            self._read_every_path(probes, rid, f"read again after {write}")

    def _write(self, write: str, rid: str, held, app: dict, incoming: dict, expiry: str) -> None:
        if write == "delete_token":
            self._delete(rid, "the warmed record is deleted")
        elif write == "delete_tokens":
            self.step_clauses = ("DELETEALL-EMPTIES",)
            self._say("delete_tokens()")
            self._call(self.store, "delete_tokens", clauses=self.step_clauses)
            self.model.delete_all()
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
