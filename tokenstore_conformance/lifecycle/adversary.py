"""The rules that explore the corners of the key space on purpose.

The rules of ``sdk_rules.py`` follow what the SDK does, and values drawn at
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
  (READ-AFTER-WRITE; those rules are in ``caches.py``).

Values stay in a small pool on purpose: names come from the users of the
sequence and their near-duplicates, keys from records that are stored, so
that what a rule asks about collides with what the store holds.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from ..records import family_variant, make_token, near_duplicates
from . import strategies as values
from .base import TOKENS, USERS, pick
from .checked import CheckedSteps

NONE_SHAPES = (
    "unknown-id",
    "access-token-only",
    "credentials-and-grant",
    "credentials-and-refresh",
    "credentials-only",
    "client-id-and-access",
    "no-key",
)


class AdversarialRules(CheckedSteps):
    """Rules that aim at the key space's corners, each naming the kind of fault it aims at."""

    # --- near-duplicate user names ---------------------------------------------

    @precondition(lambda self: not self.run.single_user)
    @rule(target=USERS, user=USERS, kind=values.name_variant_kinds())
    def a_user_with_a_near_duplicate_name(self, user: str, kind: str) -> str:
        """Another user, whose name one sloppy comparison takes for an existing user's."""
        return family_variant(user, kind)

    @precondition(
        lambda self: not self.run.single_user and any(r.user_name for r in self.model.records.values())
    )
    @rule(
        which=st.integers(0, 15),
        app=values.client_apps(),
        text=values.token_texts(),
        expiry=values.expiries(),
        base_leaves=st.booleans(),
    )
    def near_duplicate_users_sign_in_and_out(
        self, which: int, app: dict, text: str, expiry: str, base_leaves: bool
    ) -> None:
        """Users whose names are near-duplicates of a stored user's, one of every kind that applies, sign in.

        Then the stored user, or the one whose name differs only in letter
        case, signs out, and every name must still find its own record. Every
        kind, not one per family, because stores canonicalise in parts (the
        domain's case but not the local part's, trailing spaces but not
        leading ones). The stored user is one with an e-mail address for a name
        where there is one, so that the e-mail variants have an address to change.
        """
        named = {rid: r.user_name for rid, r in self.model.records.items() if r.user_name}
        emails = {rid: name for rid, name in named.items() if "@" in name}
        rid = pick(emails or named, which)
        names = [named[rid]]
        names += dict.fromkeys(near_duplicates(names[0]).values())
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
            gone = ids[0] if base_leaves else ids[1]
            self._delete(gone, f"{self.model.records[gone].user_name!r} signs out")
            for each in names:
                self._probe({"user_name": each}, f"after the sign-out, look up {each!r} by name")
            # The sequence goes on with one near-duplicate user, not twenty: every step checks every record.
            for rid in ids[2:]:
                self._delete(rid, f"{self.model.records[rid].user_name!r} signs out too")

    # --- a user no record has, with another user's keys ---------------------------

    @precondition(lambda self: not self.run.single_user and self.model.records)
    @rule(
        which=st.integers(0, 15),
        user=USERS,
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
        held = self.model.records[pick(self.model.records, which)]
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

    @staticmethod
    def _none_shape(shape: str, app: dict[str, str], fresh: str, rid: str) -> dict[str, str]:
        """A token of ``shape``: its deciding key ``fresh`` (or none at all), every other key None."""
        return {
            "unknown-id": {"id": rid},
            "access-token-only": {"access_token": fresh},
            "credentials-and-grant": {**app, "grant_token": fresh},
            "credentials-and-refresh": {**app, "refresh_token": fresh},
            "credentials-only": dict(app),
            "client-id-and-access": {"client_id": app["client_id"], "access_token": fresh},
            "no-key": {},
        }[shape]

    @rule(
        shape=st.sampled_from(NONE_SHAPES),
        app=values.client_apps(),
        text=values.token_texts(),
        extra=values.extras(),
        chosen=values.caller_ids(),
        counted=st.none() | st.integers(1, 3),
    )
    def tokens_with_keys_left_none(
        self, shape: str, app: dict, text: str, extra: dict, chosen: str, counted: int | None
    ) -> None:
        """A token with keys left None is saved, leaving a record that lacks them; then one of each shape is looked up.

        Each lookup's deciding key is unknown (or it has none), so each must
        miss, whatever records lack the keys it leaves None. The saved token's
        id comes from a small pool ("1" to "5" among them) or is a number just
        above the count of records inserted so far: ids that collide with those
        of stores that number their records (a counter, a rowid, max + 1).
        """
        if counted is not None:
            chosen = str(self.inserts + counted)
        with self._in("KEY-NONE"):
            query = {**self._none_shape(shape, app, self._fresh(text), chosen), **extra}
            self._save(make_token(**query), f"a token with keys left None ({shape}) is saved")
            for other in NONE_SHAPES:
                query = self._none_shape(other, app, self._fresh(text), self._fresh("unknown-id"))
                self._probe(query, f"look up a token with keys left None ({other})")

    # --- ids the application chooses ------------------------------------------------

    @rule(app=values.client_apps(), text=values.token_texts(), expiry=values.expiries(), user=USERS)
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
        for rid in logins:
            self._delete(rid, "the user signs out again")
