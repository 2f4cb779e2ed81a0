"""The SDK's token lifecycle as a Hypothesis state machine, run against a store and the model side by side.

The parametrised contract tests check one clause at a time from an empty
store. Stores that pass them still break on sequences: an update after a
delete, an id saved again after ``delete_tokens``, a second user after a
refresh, a row that stops changing after a few updates, a cache that a second
instance never invalidates. The machine here performs what the SDK does with
its store (logins with a grant, refresh or access token, refreshes, lookups,
deletes, restarts over the same storage) in sequences Hypothesis chooses,
applies each to ``model.TokenModel`` as well, and fails on the first
difference, naming the clauses the failing comparison checks.
"""

from __future__ import annotations

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from ..records import KEYS, make_token
from ..sdk import OAuthToken, SDKException, UserSignature
from . import strategies as values
from .checked import CheckedSteps


class LifecycleMachine(CheckedSteps):
    """The operations an application's SDK performs on its store, as Hypothesis rules."""

    users = Bundle("users")
    records = Bundle("records")

    # --- rules: users and sign-ins -----------------------------------------------

    @initialize(target=users, names=st.lists(values.user_names(), min_size=1, max_size=3))
    def users_of_the_application(self, names: list[str]) -> MultipleResults:
        return multiple(*names[: 1 if self.run.single_user else None])  # a single-user store: one user

    @precondition(lambda self: not self.run.single_user)
    @rule(target=users, name=values.user_names())
    def another_user(self, name: str) -> str:
        return name

    def _reused(self, key: str, earlier: int | None, text: str) -> str:
        """A value of ``key`` some record has or had (the earlier-th one), or a fresh one."""
        if earlier is None or not self.history[key]:
            return self._fresh(text)
        return self.history[key][earlier % len(self.history[key])]

    def _exchange(self, token: OAuthToken, text: str, expiry: str, rotate: bool = True) -> None:
        """What the token endpoint hands back: a new access token, an expiry, maybe a new refresh token."""
        token.set_access_token(self._fresh(text))
        token.set_expires_in(expiry)
        if rotate:
            token.set_refresh_token(self._fresh(text))

    @rule(
        target=records,
        user=users,
        app=values.client_apps(),
        redirect=values.redirect_urls(),
        text=values.token_texts(),
        expiry=values.expiries(),
        domain=values.api_domains(),
        sdk_knows_user=st.booleans(),
    )
    def login_with_grant_token(
        self,
        user: str,
        app: dict,
        redirect: str | None,
        text: str,
        expiry: str,
        domain: str,
        sdk_knows_user: bool,
    ) -> str:
        """First login: the SDK looks the grant token up, and on a miss exchanges it and saves the result."""
        query = {**app, "grant_token": self._fresh(text), "redirect_url": redirect}
        if sdk_knows_user:
            query["user_name"] = user
        token, rid = self._find(query, f"{user!r} signs in with a new grant token")
        if rid is not None:
            return rid
        self._exchange(token, text, expiry)
        token.set_api_domain(domain)
        token.set_user_signature(UserSignature(user))
        return self._save(token, "the SDK saves the exchanged tokens")

    @rule(
        target=records,
        earlier=st.none() | st.integers(0, 15),
        user=users,
        app=values.client_apps(),
        text=values.token_texts(),
        expiry=values.expiries(),
        rotate=st.booleans(),
    )
    def login_with_refresh_token(
        self, earlier: int | None, user: str, app: dict, text: str, expiry: str, rotate: bool
    ) -> str:
        """A start configured with a refresh token: a hit uses the record, a miss refreshes and saves."""
        refresh = self._reused("refresh_token", earlier, text)
        token, rid = self._find(
            self._query("refresh_token", refresh, app), "the SDK starts with a refresh token"
        )
        if rid is not None:
            return rid
        self._exchange(token, text, expiry, rotate)
        token.set_user_signature(UserSignature(user))
        return self._save(token, "the SDK saves the refreshed token")

    @rule(
        target=records,
        earlier=st.none() | st.integers(0, 15),
        text=values.token_texts(),
        domain=values.api_domains(),
        user=st.none() | users,
    )
    def login_with_access_token(self, earlier: int | None, text: str, domain: str, user: str | None) -> str:
        """A self-client token: only an access token, no client credentials; saved on a miss."""
        access = self._reused("access_token", earlier, text)
        token, rid = self._find({"access_token": access}, "the SDK starts with an access token only")
        if rid is not None:
            return rid
        token.set_api_domain(domain)
        if user is not None:
            token.set_user_signature(UserSignature(user))
        return self._save(token, "the SDK saves the access token")

    def _login_with_id(self, chosen: str, user: str, app: dict, text: str, expiry: str, why: str) -> str:
        """The SDK with a token built from an id: find_token_by_id, and on a miss a login saved under that id."""
        self.step_clauses = ("BYID-HIT",) if chosen in self.model.records else ("BYID-MISS",)
        self._say(f"{why}: find_token_by_id({chosen!r})")
        found = self._call(self.store, "find_token_by_id", chosen, clauses=self.step_clauses)
        self._compare_by_id(chosen, found)
        if found is not None:
            return chosen
        token = make_token(id=chosen, **app, grant_token=self._fresh(text))
        self._exchange(token, text, expiry)
        # A user of its own: a second record with a stored user name is implementation-defined.
        token.set_user_signature(UserSignature(self._fresh(user)))
        return self._save(token, "the SDK saves the exchanged tokens under that id")

    @rule(
        target=records,
        chosen=values.caller_ids(),
        ahead=st.none() | st.integers(1, 3),
        user=users,
        app=values.client_apps(),
        text=values.token_texts(),
        expiry=values.expiries(),
    )
    def login_with_chosen_id(
        self, chosen: str, ahead: int | None, user: str, app: dict, text: str, expiry: str
    ) -> str:
        """A token built with an id of the application's choosing; ``ahead`` picks a number a store
        that numbers its records would hand out soon (the count of inserts so far, plus ``ahead``)."""
        if ahead is not None:
            chosen = str(self.inserts + ahead)
        return self._login_with_id(chosen, user, app, text, expiry, "the SDK starts with an id of its own")

    @rule(
        target=records,
        record=records,
        user=users,
        app=values.client_apps(),
        text=values.token_texts(),
        expiry=values.expiries(),
    )
    def restart_with_saved_id(self, record: str, user: str, app: dict, text: str, expiry: str) -> str:
        """The application restarts with the id it kept from an earlier save; the record may be gone since."""
        return self._login_with_id(record, user, app, text, expiry, "the SDK restarts with a saved id")

    @rule(
        record=records,
        text=values.token_texts(),
        expiry=values.expiries(),
        rotate=st.booleans(),
        domain=st.none() | values.api_domains(),
    )
    def refresh(self, record: str, text: str, expiry: str, rotate: bool, domain: str | None) -> None:
        """The access token expires: the SDK refreshes the token it holds and saves it (by its id).

        Only a token with client credentials and a refresh token is refreshed
        (and may get a new refresh token and API domain); a self-client token
        just gets the new access token the application hands it.
        """
        token = self._held_token(record)
        refreshable = None not in (
            token.get_client_id(),
            token.get_client_secret(),
            token.get_refresh_token(),
        )
        self._exchange(token, text, expiry, rotate and refreshable)
        if domain is not None and refreshable:
            token.set_api_domain(domain)
        live = "" if record in self.model.records else " (its record was deleted)"
        self._save(token, f"the SDK refreshes the token of {record!r}{live}")

    @rule(
        user=users,
        app=st.none() | values.client_apps(),
        text=values.token_texts(),
        domain=values.api_domains(),
    )
    def save_by_user_name(self, user: str, app: dict | None, text: str, domain: str) -> None:
        """A token that carries a user name and some new fields updates that user's record (or inserts one)."""
        token = make_token(user_name=user, access_token=self._fresh(text), api_domain=domain, **(app or {}))
        self._save(token, f"a token of {user!r} is saved without an id")

    @precondition(lambda self: self.model.records)
    @rule(which=st.integers(0, 15))
    def save_again(self, which: int) -> None:
        """Saving an unchanged copy of a stored record must change nothing."""
        record = list(self.model.records)[which % len(self.model.records)]
        self._save(self._held_token(record), f"an unchanged copy of {record!r} is saved again")

    # --- rules: lookups ----------------------------------------------------------

    @rule(
        record=records,
        key=st.sampled_from(KEYS),
        app=values.client_apps(),
        extra=values.extras(),
        with_id_of=st.none() | records,
    )
    def look_up(self, record: str, key: str, app: dict, extra: dict, with_id_of: str | None) -> None:
        """find_token by one key of a record (deleted records too), maybe with another record's id in front."""
        held = self.model.records.get(record) or self.seen[record]
        if getattr(held, key) is None:
            key = "id"
        query = {**self._query(key, getattr(held, key), app), **extra}
        if with_id_of is not None and key != "id":
            query["id"] = with_id_of
        found, _ = self._find(query, f"look up {record!r} by its {key}")
        self._scribble([found], "find_token")

    @precondition(lambda self: self.seen)
    @rule(key=st.sampled_from(KEYS), pick=st.integers(0, 15), app=values.client_apps())
    def look_up_an_earlier_value(self, key: str, pick: int, app: dict) -> None:
        """find_token by a value some record had earlier (an old access or refresh token, say)."""
        if not self.history[key]:
            key = "id"
        value = self.history[key][pick % len(self.history[key])]
        found, _ = self._find(self._query(key, value, app), f"look up an earlier {key}")
        self._scribble([found], "find_token")

    @rule(record=records, key=st.sampled_from(KEYS), how=values.near_misses(), app=values.client_apps())
    def look_up_a_near_miss(self, record: str, key: str, how: str, app: dict) -> None:
        """Look up a value a sloppy comparison confuses with a record's (case, padding, LIKE wildcards)."""
        held = self.model.records.get(record) or self.seen[record]
        if getattr(held, key) is None:
            key = "id"
        value = values.NEAR_MISSES[how](getattr(held, key))
        if key == "id":
            self.step_clauses = ("BYID-HIT",) if value in self.model.records else ("BYID-MISS",)
            self._say(f"find_token_by_id({value!r}), a {how} variant of {record!r}")
            self._compare_by_id(
                value, self._call(self.store, "find_token_by_id", value, clauses=self.step_clauses)
            )
        found, _ = self._find(self._query(key, value, app), f"look up a {how} variant of a {key}")
        self._scribble([found], "find_token")

    @rule(record=records)
    def find_by_id(self, record: str) -> None:
        """find_token_by_id on an id the sequence got from the store (its record may be deleted since)."""
        self.step_clauses = ("BYID-HIT",) if record in self.model.records else ("BYID-MISS",)
        self._say(f"find_token_by_id({record!r})")
        self._compare_by_id(
            record, self._call(self.store, "find_token_by_id", record, clauses=self.step_clauses)
        )

    # --- rules: deletes ----------------------------------------------------------

    def _delete(self, rid: str, why: str) -> None:
        self._writing(("DELETE-ONE",) if rid in self.model.records else ("DELETE-UNKNOWN",))
        self._say(f"{why}: delete_token({rid!r})")
        event(f"delete_token: {'known' if rid in self.model.records else 'unknown'} id")
        self._call(self.store, "delete_token", rid, clauses=self.step_clauses, allowed=(SDKException,))
        self.model.delete(rid)

    @rule(record=consumes(records))
    def remove(self, record: str) -> None:
        """The application signs a user out (OAuthToken.remove)."""
        self._delete(record, "the application removes a token")

    @precondition(lambda self: any(record.user_name for record in self.model.records.values()))
    @rule(which=st.integers(0, 15))
    def sign_out(self, which: int) -> None:
        """The application removes the token of one of its users (by the id of that user's record)."""
        signed_in = [
            (rid, record.user_name) for rid, record in self.model.records.items() if record.user_name
        ]
        rid, user = signed_in[which % len(signed_in)]
        self._delete(rid, f"{user!r} signs out")

    @precondition(lambda self: self.model.records)
    @rule(rid=values.caller_ids())
    def remove_an_unknown_id(self, rid: str) -> None:
        self._delete(rid, "delete an id the sequence did not get from the store")

    def _delete_all(self) -> None:
        self._writing(("DELETEALL-EMPTIES",))
        self._say("delete_tokens()")
        self._call(self.store, "delete_tokens", clauses=self.step_clauses)
        self.model.delete_all()

    @precondition(lambda self: self.model.records)
    @rule()
    def delete_all(self) -> None:
        self._delete_all()

    # --- rules: instances over the same storage ----------------------------------

    @precondition(lambda self: self.run.persistent and len(self.instances) < 3)
    @rule()
    def restart(self) -> None:
        """The application restarts: a new instance over the same storage takes over."""
        self.step_clauses = ("INSTANCE-PERSIST",)
        self._say("the application restarts: a new instance of the store opens the same storage")
        self.store = self._build()

    @precondition(lambda self: len(self.instances) > 1)
    @rule(which=st.integers(0, 2))
    def use_another_instance(self, which: int) -> None:
        """Another process (an older instance) goes on using the same storage."""
        self.step_clauses = ("INSTANCE-PERSIST",)
        index = which % len(self.instances)
        self._say(f"instance {index} of the store takes the next calls")
        self.store = self.instances[index]

    # --- after every step ---------------------------------------------------------

    @invariant()
    def store_agrees_with_model(self) -> None:
        """After every step: get_tokens matches the model as a multiset, and every model id is found by id."""
        self.check_agreement()
