"""The rules that follow what the SDK does with its store: sign-ins, refreshes, saves, deletes, restarts.

Logins with a grant, refresh or access token, or with an id the
application kept or chose; refreshes of a held token; saves by user name
and of an unchanged copy; sign-outs and deletes; new instances over the same
storage. Each performs on the store what the SDK would, through the compared
operations of ``checked.py``.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import MultipleResults, consumes, initialize, multiple, precondition, rule

from ..records import make_token
from ..sdk import UserSignature
from . import strategies as values
from .base import RECORDS, USERS, pick
from .checked import CheckedSteps


class SdkRules(CheckedSteps):
    """The operations an application's SDK performs on its store, as Hypothesis rules."""

    # --- rules: users and sign-ins -----------------------------------------------

    @initialize(target=USERS, names=st.lists(values.user_names(), min_size=1, max_size=3))
    def users_of_the_application(self, names: list[str]) -> MultipleResults:
        return multiple(*names[: 1 if self.run.single_user else None])  # a single-user store: one user

    @precondition(lambda self: not self.run.single_user)
    @rule(target=USERS, name=values.user_names())
    def another_user(self, name: str) -> str:
        return name

    def _reused(self, key: str, earlier: int | None, text: str) -> str:
        """A value of ``key`` some record has or had (the earlier-th one), or a fresh one."""
        if earlier is None or not self.history[key]:
            return self._fresh(text)
        return self.history[key][earlier % len(self.history[key])]

    @rule(
        target=RECORDS,
        user=USERS,
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
        target=RECORDS,
        earlier=st.none() | st.integers(0, 15),
        user=USERS,
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
        target=RECORDS,
        earlier=st.none() | st.integers(0, 15),
        text=values.token_texts(),
        domain=values.api_domains(),
        user=st.none() | USERS,
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
        if self._find_by_id(chosen, why):
            return chosen
        token = make_token(id=chosen, **app, grant_token=self._fresh(text))
        self._exchange(token, text, expiry)
        # A user of its own: a second record with a stored user name is implementation-defined.
        token.set_user_signature(UserSignature(self._fresh(user)))
        return self._save(token, "the SDK saves the exchanged tokens under that id")

    @rule(
        target=RECORDS,
        chosen=values.caller_ids(),
        ahead=st.none() | st.integers(1, 3),
        user=USERS,
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
        target=RECORDS,
        record=RECORDS,
        user=USERS,
        app=values.client_apps(),
        text=values.token_texts(),
        expiry=values.expiries(),
    )
    def restart_with_saved_id(self, record: str, user: str, app: dict, text: str, expiry: str) -> str:
        """The application restarts with the id it kept from an earlier save; the record may be gone since."""
        return self._login_with_id(record, user, app, text, expiry, "the SDK restarts with a saved id")

    @rule(
        record=RECORDS,
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
        refreshable = self._refreshable(token)
        self._exchange(token, text, expiry, rotate and refreshable)
        if domain is not None and refreshable:
            token.set_api_domain(domain)
        live = "" if record in self.model.records else " (its record was deleted)"
        self._save(token, f"the SDK refreshes the token of {record!r}{live}")

    @rule(
        user=USERS,
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
        record = pick(self.model.records, which)
        self._save(self._held_token(record), f"an unchanged copy of {record!r} is saved again")

    # --- rules: deletes ----------------------------------------------------------

    @rule(record=consumes(RECORDS))
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
