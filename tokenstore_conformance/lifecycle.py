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

import hashlib
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, Phase, event, note, reject, seed, settings
from hypothesis import strategies as st
from hypothesis.database import ExampleDatabase
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from . import profiles
from . import strategies as values
from .fixtures import StoreFactory, empty_store
from .model import KEYS, TokenModel, Undefined
from .sdk import OAuthToken, SDKException, UserSignature
from .timeouts import StoreTimeout
from .tokens import FIELD_NAMES, TokenRecord, make_token, record_of, records_of

SAVE_BY = {
    "id": "SAVE-UPSERT-ID",
    "user_name": "SAVE-UPSERT-USER",
    "access_token": "SAVE-UPSERT-ACCESS",
    "grant_token": "SAVE-UPSERT-GRANT",
    "refresh_token": "SAVE-UPSERT-REFRESH",
}
FIND_BY = {
    "id": "FIND-BY-ID",
    "user_name": "FIND-BY-USER",
    "access_token": "FIND-BY-ACCESS",
    "grant_token": "FIND-BY-GRANT",
    "refresh_token": "FIND-BY-REFRESH",
}
# After a test is done with an object the store handed it (or was handed), it
# writes this marker into every field; a store that kept the object shows it.
MARK = "changed by the caller after "
DETACHED = {
    "save_token": "SAVE-COPY",
    "find_token": "FIND-FILL-NONE-ONLY",
    "find_token_by_id": "BYID-DETACHED",
    "get_tokens": "GET-DETACHED",
}


class LifecycleMismatch(AssertionError):
    """The store and the model differ; ``clause_ids`` are the clauses the failing comparison checks."""

    def __init__(self, clause_ids: Iterable[str], message: str) -> None:
        self.clause_ids = tuple(dict.fromkeys(clause_ids))
        super().__init__(f"{message}\n[violates {', '.join(self.clause_ids)}]")


class LifecycleAbort(BaseException):
    """Ends the run at once: a store call hung, storage could not be reset, or shrinking ran out of time.

    Hypothesis catches Exception to shrink; a hung call would make every
    shrink attempt wait for the time limit, so this is a BaseException that
    Hypothesis lets through, like KeyboardInterrupt.
    """


class ShrinkingOutOfTime(LifecycleAbort):
    """The profile's time for shrinking is spent; the shortest failure seen so far is reported."""


@dataclass
class Run:
    """What one lifecycle test shares across its examples, including the shortest failure seen so far.

    Hypothesis shrinks a failure for up to five minutes. A fault that depends
    on exact ids or counts is slow to shrink, so once ``shrink_seconds`` have
    passed since the first failure, the next example stops the run and the
    shortest failing sequence seen so far is reported instead.
    """

    factory: StoreFactory
    allow_existing: bool
    shrink_seconds: float
    persistent: bool | None = None
    first_failure: float | None = None
    shortest: tuple[list[str], LifecycleMismatch] | None = None
    stop: LifecycleAbort | None = None

    def abort(self, reason: LifecycleAbort) -> LifecycleAbort:
        """Remember why the run stops: Hypothesis may surface the BaseException as another error."""
        self.stop = reason
        return reason

    def failed(self, story: list[str], failure: LifecycleMismatch) -> None:
        if self.first_failure is None:
            self.first_failure = time.monotonic()
        if self.shortest is None or len(story) < len(self.shortest[0]):
            self.shortest = (list(story), failure)

    def out_of_time(self) -> bool:
        return self.first_failure is not None and time.monotonic() - self.first_failure > self.shrink_seconds


def brief(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 48 else f"{text[:40]}...' ({len(str(value))} chars)"


def describe(record: TokenRecord | None) -> str:
    if record is None:
        return "None"
    fields = ", ".join(
        f"{name}={brief(getattr(record, name))}" for name in FIELD_NAMES if getattr(record, name)
    )
    return f"{{{fields}}}"


class LifecycleMachine(RuleBasedStateMachine):
    """One example: a fresh store, a fresh model, and up to ``steps`` SDK operations on both."""

    users = Bundle("users")
    records = Bundle("records")

    def __init__(self, run: Run) -> None:
        super().__init__()
        if run.out_of_time():
            raise run.abort(ShrinkingOutOfTime())
        self.run = run
        self.model = TokenModel()
        self.instances: list = []
        self.seen: dict[str, TokenRecord] = {}  # the last state of every record ever stored, by id
        self.history: dict[str, list[str]] = {key: [] for key in KEYS}  # every key value ever stored
        self.serial = 0
        self.step_clauses: tuple[str, ...] = ("GET-EMPTY",)
        self.story: list[str] = []
        self.store = self._open_first()

    # --- opening, closing, calling ------------------------------------------

    def _build(self):
        try:
            store = self.run.factory()
        except pytest.fail.Exception as exc:
            raise self.run.abort(LifecycleAbort(str(exc))) from None
        self.instances.append(store)
        if self.run.persistent is None:
            self.run.persistent = self.run.factory.persistent(store)
        return store

    def _open_first(self):
        # Fresh storage for every example: isolation never depends on the
        # store's own delete methods working.
        self.run.factory.new_storage()
        store = self._build()
        held = self._call(store, "get_tokens", clauses=("GET-EMPTY",)) or []
        if held and self.run.allow_existing:
            empty_store(store)
            held = self._call(store, "get_tokens", clauses=("GET-EMPTY",)) or []
        if held:
            raise self.run.abort(
                LifecycleAbort(
                    f"the store held {len(held)} token(s) when a new sequence began, so its storage is "
                    "shared between instances and the previous sequence's cleanup did not empty it "
                    "(are delete_tokens and delete_token broken?), or another process writes to it; "
                    "the lifecycle test cannot start from an empty store"
                )
            )
        return store

    def teardown(self) -> None:
        for store in reversed(self.instances):
            empty_store(store)

    def _call(self, store, method: str, *args: object, clauses: Sequence[str], allowed: tuple = ()):
        try:
            return getattr(store, method)(*args)
        except StoreTimeout as exc:
            story = "\n".join(f"  {line}" for line in self.story) or "  (no steps yet)"
            raise self.run.abort(
                LifecycleAbort(
                    f"{exc}\nThe lifecycle test stopped at once instead of shrinking the sequence, which "
                    f"would wait for the time limit again and again. The sequence so far:\n{story}"
                )
            ) from None
        except allowed:
            return None
        except Exception as exc:
            shown = ", ".join(describe(record_of(a)) if isinstance(a, OAuthToken) else brief(a) for a in args)
            self._fail(clauses, f"{method}({shown}) raised {type(exc).__name__}: {exc}")

    def _fail(self, clauses: Iterable[str], message: str) -> None:
        # Every mismatch is raised here, so Hypothesis treats them as one failure
        # and is free to shrink towards whichever sequence shows it most simply.
        failure = LifecycleMismatch(clauses, message)
        self.run.failed(self.story, failure)
        raise failure

    def _say(self, text: str) -> None:
        self.story.append(text)
        note(f"# {text}")

    def _fresh(self, text: str) -> str:
        """A value no other token of this sequence has (the serial makes it unique), ending in ``text``."""
        self.serial += 1
        return f"{self.serial}.{text}"

    def _remember(self, rid: str) -> None:
        record = self.model.records[rid]
        self.seen[rid] = record
        for key in KEYS:
            value = getattr(record, key)
            if value is not None and value not in self.history[key]:
                self.history[key].append(value)

    def _scribble(self, tokens: Iterable[object], method: str) -> None:
        """Change every field of objects the store must not share with the caller any more."""
        mark = MARK + method
        for token in tokens:
            if isinstance(token, OAuthToken):
                for setter in (
                    "set_id",
                    "set_client_id",
                    "set_client_secret",
                    "set_refresh_token",
                    "set_access_token",
                    "set_grant_token",
                    "set_expires_in",
                    "set_redirect_url",
                    "set_api_domain",
                ):
                    getattr(token, setter)(mark)
                token.set_user_signature(UserSignature(mark))

    def _rivals(self, query: TokenRecord, winner: str | None) -> bool:
        """Whether another key of the query, taken alone, would name a different record than the winner."""
        for key in KEYS:
            value = getattr(query, key)
            if value is None:
                continue
            alone = TokenRecord(
                **{key: value, "client_id": query.client_id, "client_secret": query.client_secret}
            )
            try:
                rid, _ = self.model.match(alone)
            except Undefined:
                continue
            if rid is not None and rid != winner:
                return True
        return False

    # --- the operations, each compared with the model -------------------------

    def _find(self, query: dict[str, str | None], why: str) -> tuple[OAuthToken, str | None]:
        """find_token with these fields; returns the token and the id of the record it must have hit."""
        token = make_token(**query)
        asked = record_of(token)
        try:
            rid, key = self.model.match(asked)
            expected = self.model.find(asked)
        except Undefined:
            reject()
        precedence = ("FIND-PRECEDENCE",) if self._rivals(asked, rid) else ()
        hit_clauses = (FIND_BY.get(key or "", "FIND-MISS-NONE"), *precedence)
        miss_clauses = ("FIND-MISS-NONE", *(("FIND-USER-ONLY",) if asked.user_name else ()), *precedence)
        self.step_clauses = hit_clauses if rid else miss_clauses
        outcome = f"hit on {rid!r} by {key}" if rid else "a miss"
        self._say(f"{why}: find_token({describe(asked)}) must be {outcome}")
        event(f"find_token: {'hit by ' + key if rid else 'miss'}")
        result = self._call(self.store, "find_token", token, clauses=self.step_clauses)
        if expected is None:
            if result is not None:
                self._fail(
                    miss_clauses,
                    f"find_token returned {describe(record_of(result))} for a token no record matches",
                )
            if record_of(token) != asked:
                self._fail(
                    ("FIND-MISS-NONE",),
                    f"find_token changed the token it missed to {describe(record_of(token))}",
                )
            return token, None
        if result is None:
            self._fail(hit_clauses, f"find_token returned None, but it must find record {rid!r} by its {key}")
        if result is not token:
            self._fail(
                ("FIND-SAME-OBJECT",), "find_token returned a different object from the one it was given"
            )
        got = record_of(result)
        if got != expected:
            kept = all(
                getattr(got, n) == getattr(asked, n) for n in FIELD_NAMES if getattr(asked, n) is not None
            )
            clauses = hit_clauses if kept else ("FIND-FILL-NONE-ONLY",)
            self._fail(
                clauses,
                f"find_token filled the token as\n  {describe(got)}\nbut the record is\n  {describe(expected)}",
            )
        return token, rid

    def _save(self, token: OAuthToken, why: str) -> str:
        """save_token; returns the id of the record the save must have written."""
        asked = record_of(token)
        try:
            self.model.check_save(asked)
            rid, key = self.model.match(asked)
        except Undefined:
            reject()
        if rid is None:
            clauses = ("SAVE-INSERT", "SAVE-ID-ASSIGN")
        else:
            same = self.model.records[rid] == self.model.records[rid].replace(
                **{n: getattr(asked, n) for n in FIELD_NAMES if n != "id" and getattr(asked, n) is not None}
            )
            clauses = ("SAVE-IDEMPOTENT",) if same else (SAVE_BY[key], "SAVE-KEEP-STORED")
            if self._rivals(asked, rid):
                clauses += ("SAVE-PRECEDENCE",)
        others = any(other != rid for other in self.model.records)
        self.step_clauses = (*clauses, "SAVE-USER-ISOLATION") if others else clauses
        outcome = "insert a record" if rid is None else f"update {rid!r} (by {key})"
        self._say(f"{why}: save_token({describe(asked)}) must {outcome}")
        event(f"save_token: {'insert' if rid is None else 'update by ' + key}")
        self._call(self.store, "save_token", token, clauses=self.step_clauses)
        assigned = None
        if rid is None and asked.id is None:
            assigned = token.get_id()
            if not isinstance(assigned, str) or not assigned:
                self._fail(("SAVE-ID-ASSIGN",), f"save_token inserted a token and set its id to {assigned!r}")
            if assigned in self.model.records:
                self._fail(
                    ("SAVE-ID-UNIQUE",),
                    f"save_token gave a new record the id {assigned!r} of a stored record",
                )
            self._say(f"  the store gave it the id {assigned!r}")
        rid = self.model.save(asked, assigned)
        self._remember(rid)
        self._scribble([token], "save_token")
        return rid

    def _held_token(self, rid: str) -> OAuthToken:
        """A copy of the token the SDK holds for the record (its last stored state, even if deleted since)."""
        return make_token(**vars(self.model.records.get(rid) or self.seen[rid]))

    # --- rules: users and sign-ins -----------------------------------------------

    @initialize(target=users, names=st.lists(values.user_names(), min_size=1, max_size=3))
    def users_of_the_application(self, names: list[str]) -> MultipleResults:
        return multiple(*names)

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
        user=users,
        app=values.client_apps(),
        text=values.token_texts(),
        expiry=values.expiries(),
    )
    def login_with_chosen_id(self, chosen: str, user: str, app: dict, text: str, expiry: str) -> str:
        """A token built with an id of the application's choosing."""
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

    def _query(self, key: str, value: str, app: dict[str, str]) -> dict[str, str]:
        """A lookup by one key; grant and refresh tokens travel with client credentials.

        Whether those credentials must match the record's is left to the
        store (IMPL-CLIENT-ID), so a lookup that can hit carries the record's own.
        """
        if key not in ("grant_token", "refresh_token"):
            return {key: value}
        owner = next((r for r in self.model.records.values() if getattr(r, key) == value), None)
        if owner is not None and None not in (owner.client_id, owner.client_secret):
            app = {"client_id": owner.client_id, "client_secret": owner.client_secret}
        return {key: value, **app}

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

    def _compare_by_id(self, rid: str, found: object) -> None:
        expected = self.model.records.get(rid)
        if expected is None:
            if found is not None:
                self._fail(
                    ("BYID-MISS",), f"find_token_by_id({brief(rid)}) returned a token for an id no record has"
                )
            return
        if not isinstance(found, OAuthToken):
            self._fail(("BYID-HIT",), f"find_token_by_id({brief(rid)}) returned {found!r} for a stored id")
        if record_of(found) != expected:
            self._fail(
                ("BYID-HIT",),
                f"find_token_by_id({brief(rid)}) returned\n  {describe(record_of(found))}\n"
                f"but the record is\n  {describe(expected)}",
            )
        self._scribble([found], "find_token_by_id")

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
        self.step_clauses = ("DELETE-ONE",) if rid in self.model.records else ("DELETE-UNKNOWN",)
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

    @precondition(lambda self: self.model.records)
    @rule()
    def delete_all(self) -> None:
        self.step_clauses = ("DELETEALL-EMPTIES",)
        self._say("delete_tokens()")
        self._call(self.store, "delete_tokens", clauses=self.step_clauses)
        self.model.delete_all()

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
        expected = self.model.all()
        for number, store in enumerate(self.instances):
            where = f" (instance {number})" if len(self.instances) > 1 else ""
            # A difference that shows only through another instance is a persistence fault.
            clauses = self.step_clauses + (("INSTANCE-PERSIST",) if store is not self.store else ())
            tokens = self._call(store, "get_tokens", clauses=("GET-ALL", *clauses))
            if not isinstance(tokens, list) or not all(isinstance(t, OAuthToken) for t in tokens):
                self._fail(("GET-ALL",), f"get_tokens(){where} returned {tokens!r}, not a list of OAuthToken")
            got = records_of(tokens)
            for field, clause in (("id", "SAVE-ID-UNIQUE"), ("user_name", "SAVE-UPSERT-USER")):
                counts = Counter(getattr(r, field) for r in got if getattr(r, field) is not None)
                twice = [value for value, n in counts.items() if n > 1]
                if twice:
                    self._fail(
                        (clause, *clauses),
                        f"get_tokens(){where} holds two records with the {field} {brief(twice[0])}",
                    )
            if got != expected:
                self._fail(self._blame(got, clauses), self._difference(got, expected, where))
            self._scribble(tokens, "get_tokens")
            for rid in self.model.records:
                found = self._call(store, "find_token_by_id", rid, clauses=("BYID-HIT", *clauses))
                if not isinstance(found, OAuthToken) or record_of(found) != self.model.records[rid]:
                    shown = describe(record_of(found)) if isinstance(found, OAuthToken) else repr(found)
                    self._fail(
                        self._blame(
                            [record_of(found)] if isinstance(found, OAuthToken) else [],
                            ("BYID-HIT", *clauses),
                        ),
                        f"after the last step, find_token_by_id({brief(rid)}){where} returned\n  {shown}\n"
                        f"but the record is\n  {describe(self.model.records[rid])}",
                    )
                self._scribble([found], "find_token_by_id")

    def _blame(self, got: Iterable[TokenRecord], clauses: tuple[str, ...]) -> tuple[str, ...]:
        """The clauses behind a difference: a caller's change that reached the store, else ``clauses``."""
        marked = {
            DETACHED[value[len(MARK) :]]
            for record in got
            for value in vars(record).values()
            if isinstance(value, str) and value.startswith(MARK)
        }
        return tuple(sorted(marked)) if marked else clauses

    def _difference(self, got: list[TokenRecord], expected: list[TokenRecord], where: str) -> str:
        missing = list((Counter(expected) - Counter(got)).elements())
        extra = list((Counter(got) - Counter(expected)).elements())
        lines = [f"after the last step, get_tokens(){where} differs from the model:"]
        lines += [f"  missing: {describe(r)}" for r in missing]
        lines += [f"  unexpected: {describe(r)}" for r in extra]
        return "\n".join(lines)


class PerStoreDatabase(ExampleDatabase):
    """The configured example database, with every key prefixed by the store's own key.

    The state machine is one test for every store, so without this a failure
    saved for one store would be replayed first against every other store.
    """

    def __init__(self, inner: ExampleDatabase, spec: str) -> None:
        super().__init__()
        self.inner = inner
        self.prefix = hashlib.sha256(f"tokenstore-lifecycle:{spec}".encode()).digest()[:16]
        self.replayed = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r}, prefix={self.prefix.hex()})"

    def save(self, key: bytes, value: bytes) -> None:
        self.inner.save(self.prefix + key, value)

    def fetch(self, key: bytes) -> Iterable[bytes]:
        found = list(self.inner.fetch(self.prefix + key))
        self.replayed += len(found)
        return found

    def delete(self, key: bytes, value: bytes) -> None:
        self.inner.delete(self.prefix + key, value)

    def move(self, src: bytes, dest: bytes, value: bytes) -> None:
        self.inner.move(self.prefix + src, self.prefix + dest, value)


def run_lifecycle(factory: StoreFactory, config: pytest.Config, allow_existing: bool) -> None:
    """Run the state machine against the factory's store with the session's profile and seed."""
    profile = profiles.profile_of(config)
    chosen_seed, drawn = profiles.seed_of(config)
    # A fixed seed reproduces anywhere, so nothing is read from or written to
    # the example database; a drawn seed also replays what earlier random runs
    # of this store found, under the store's own key.
    inherited = settings().database if drawn else None
    database = PerStoreDatabase(inherited, factory.spec.spec) if inherited is not None else None
    run = Run(factory, allow_existing, profile.shrink_seconds)

    @seed(chosen_seed)
    def machine() -> LifecycleMachine:
        return LifecycleMachine(run)

    chosen = settings(
        max_examples=profile.max_examples,
        stateful_step_count=profile.steps,
        deadline=None,
        derandomize=False,
        database=database,
        report_multiple_bugs=False,
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        print_blob=False,
    )
    try:
        run_state_machine_as_test(machine, settings=chosen)
    except BaseException as exc:
        if run.stop is None:
            if isinstance(exc, Exception):
                _add_note(exc, _rerun(config, factory, database))
            raise
    if isinstance(run.stop, ShrinkingOutOfTime) and run.shortest is not None:
        story, failure = run.shortest
        steps = "\n".join(f"  {line}" for line in story)
        _add_note(
            failure,
            f"Shrinking stopped after {profile.shrink_seconds:g}s (the {profile.name} profile's limit); "
            f"the shortest failing sequence found:\n{steps}",
        )
        _add_note(failure, _rerun(config, factory, database))
        raise failure from None
    if run.stop is not None:
        pytest.fail(f"{run.stop}\n\n{_rerun(config, factory, database)}", pytrace=False)


def _rerun(config: pytest.Config, factory: StoreFactory, database: PerStoreDatabase | None) -> str:
    text = f"Run this sequence again with:\n  {profiles.reproduce_command(config, factory.spec.spec)}"
    if database is not None and database.replayed:
        text += (
            f"\n(this run first replayed {database.replayed} example(s) that earlier random runs saved; "
            f"if the command above passes, the failure is one of them: run with --tokenstore-seed="
            f"{profiles.RANDOM} again, which replays them first)"
        )
    return text


def _add_note(exc: BaseException, text: str) -> None:
    if hasattr(exc, "add_note"):
        exc.add_note(text)
    else:  # Python < 3.11: pytest shows __notes__ all the same
        exc.__notes__ = [*getattr(exc, "__notes__", []), text]
