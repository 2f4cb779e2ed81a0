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

from ..records import KEYS, family_variant, make_token, record_of, records_of
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
    records = LifecycleMachine.records

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
        return family_variant(user, kind)

    @precondition(lambda self: any(r.user_name for r in self.model.records.values()))
    @rule(
        which=st.integers(0, 15),
        kinds=st.lists(values.name_variant_kinds(), min_size=1, max_size=3, unique=True),
        app=values.client_apps(),
        text=values.token_texts(),
        expiry=values.expiries(),
        leaving=st.integers(0, 3),
    )
    def near_duplicate_users_sign_in_and_out(
        self, which: int, kinds: list[str], app: dict, text: str, expiry: str, leaving: int
    ) -> None:
        """Users whose names are near-duplicates of a stored user's sign in; one of them signs out."""
        named = {rid: r.user_name for rid, r in self.model.records.items() if r.user_name}
        rid = _pick(named, which)
        names = [named[rid]]
        names += dict.fromkeys(family_variant(names[0], kind) for kind in kinds)
        ids = [rid]
        with self._in("USER-NAME-EXACT"):
            for other in names[1:]:
                self._probe({"user_name": other}, f"look up {other!r}, a near-duplicate of {names[0]!r}")
                owner = self._owner("user_name", other)
                if owner is None:
                    token = make_token(**app, grant_token=self._fresh(text), user_name=other)
                    self._exchange(token, text, expiry)
                    owner = self._save(token, f"{other!r} signs in next to {names[0]!r}")
                ids.append(owner)
            for each in names:
                self._probe({"user_name": each}, f"look up {each!r} by name")
            gone = ids[leaving % len(ids)]
            self._delete(gone, f"{self.model.records[gone].user_name!r} signs out")
            for each in names:
                self._probe({"user_name": each}, f"after the sign-out, look up {each!r} by name")

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
        near = family_variant(held.user_name, kind) if kind and held.user_name else None
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
        counted=st.none() | st.integers(1, 3),
    )
    def a_token_with_keys_left_none(
        self, shape: str, app: dict, text: str, extra: dict, save: bool, chosen: str, counted: int | None
    ) -> None:
        """A token whose deciding key is unknown (or that has none), every other key None.

        Its id comes from a small pool ("1" to "5" among them) or is a number
        just above the count of records stored so far: ids that collide with
        those of stores that number their records (a counter, a rowid, max + 1).
        """
        fresh = self._fresh(text)
        if counted is not None:
            chosen = str(len(self.seen) + counted)
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

    # --- ids the application chooses ------------------------------------------------

    @rule(app=values.client_apps(), text=values.token_texts(), expiry=values.expiries(), user=users)
    def the_application_numbers_its_users_too(self, app: dict, text: str, expiry: str, user: str) -> None:
        """A user saved under a number of the application's choosing, the one the store hands out next.

        A login without an id shows how the store numbers its records (a
        counter, a row count, a rowid, max + 1); the application then saves a
        user under the number two further on, as it would under its own user
        number, and the next login without an id must not take it over.
        """
        logins = []
        for n in range(3):
            token = make_token(**app, grant_token=self._fresh(text), user_name=self._fresh(user))
            self._exchange(token, text, expiry)
            if n == 1:
                shown = logins[0]
                token.set_id(str(int(shown) + 2) if shown.isdigit() else f"{shown}2")
                if token.get_id() in self.model.records:
                    return
            why = "a user the application numbered itself signs in" if n == 1 else "a user signs in"
            logins.append(self._save(token, why))

    # --- a long-running application -------------------------------------------------

    @rule(record=records, times=st.integers(2, 5), text=values.token_texts())
    def refreshed_all_day(self, record: str, times: int, text: str) -> None:
        """The SDK refreshes one user's token every hour: several updates of one record in a row.

        Each one must land; a store that stops writing a row after a few
        updates, or caches it after the first, falls behind.
        """
        if record not in self.model.records:
            return
        for hour in range(times):
            token = self._held_token(record)
            refreshable = None not in (
                token.get_client_id(),
                token.get_client_secret(),
                token.get_refresh_token(),
            )
            expiry = str(1767225600000 + 3600000 * (hour + 1))
            self._exchange(token, text, expiry, rotate=refreshable and hour % 2 == 1)
            self._save(token, f"hour {hour + 1}: the SDK refreshes the token of {record!r}")
            self.step_clauses = ("BYID-HIT",)
            found = self._call(self.store, "find_token_by_id", record, clauses=self.step_clauses)
            self._compare_by_id(record, found)

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
        renamed = family_variant(held.user_name, kind) if held.user_name else None
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
