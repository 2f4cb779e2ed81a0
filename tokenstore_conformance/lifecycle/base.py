"""What every rule of the lifecycle machine stands on: one example's state, and the store it opened.

The rule groups (``sdk_rules.py``, ``reads.py``, ``caches.py``,
``adversary.py``) share one copy of everything here and of the compared
operations in ``checked.py``, so a value such as the count of inserts has one
home and every rule reads the same one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager

from hypothesis import note
from hypothesis.stateful import Bundle, RuleBasedStateMachine

from ..records import KEYS, TokenRecord, make_token
from ..records.tokens import describe_value
from ..sdk import OAuthToken
from ..target.cleanup import empty_store
from ..target.spec import StoreBuildError
from ..target.timeouts import StoreTimeout
from .failures import LifecycleAbort, LifecycleMismatch, ShrinkingOutOfTime
from .model import TokenModel
from .state import Run

# The user names of the sequence, and the ids the store handed out (records deleted since among them).
USERS = Bundle("users")
RECORDS = Bundle("records")
TOKENS = ("access_token", "grant_token", "refresh_token")


def pick(items: Collection[str], which: int) -> str:
    """The ``which``-th of ``items`` (the ids of a dict of records, say), wrapping around."""
    return list(items)[which % len(items)]


class MachineBase(RuleBasedStateMachine):
    """One example: a fresh store, a fresh model, the story so far, and the calls that reach the store."""

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
        self.inserts = 0  # records inserted so far, which is what a store that numbers its records counts
        self.step_clauses: tuple[str, ...] = ("GET-EMPTY",)
        self.unchecked_writes: list[str] = []  # clauses of the writes since the last full comparison
        self.context: tuple[str, ...] = ()  # clauses a compound rule adds to every failure inside it
        self.story: list[str] = []
        self.store = self._open_first()

    # --- opening, closing, calling ------------------------------------------

    def _build(self):
        try:
            store = self.run.source.build()
        except StoreBuildError as exc:
            # A restart over storage an earlier instance created is INSTANCE-REOPEN's to get right.
            owner = "INSTANCE-REOPEN" if self.instances and self.run.persistent else None
            raise self.run.abort(
                LifecycleAbort(str(exc), steps_taken=bool(self.story), owner=owner)
            ) from None
        self.instances.append(store)
        if self.run.persistent is None:
            self.run.persistent = self.run.source.persistent(store)
            self.run.single_user = self.run.source.single_user(store)
        return store

    def _open_first(self):
        # Fresh storage for every example: isolation never depends on the
        # store's own delete methods working.
        self.run.source.new_storage()
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
                    f"would wait for the time limit again and again. The sequence so far:\n{story}",
                    steps_taken=bool(self.story),
                )
            ) from None
        except allowed:
            return None
        except Exception as exc:
            shown = ", ".join(describe_value(a) for a in args)
            self._fail(clauses, f"{method}({shown}) raised {type(exc).__name__}: {exc}")

    # --- failures and the story ---------------------------------------------

    def _fail(self, clauses: Iterable[str], message: str) -> None:
        # Every mismatch is raised here, so Hypothesis treats them as one failure
        # and is free to shrink towards whichever sequence shows it most simply.
        failure = LifecycleMismatch((*clauses, *self.context), message)
        self.run.failed(self.story, failure)
        raise failure

    def _writing(self, clauses: tuple[str, ...]) -> None:
        """The step's clauses; a difference found after a step that wrote, then read, is the write's fault."""
        self.step_clauses = clauses
        self.unchecked_writes += clauses

    @contextmanager
    def _in(self, *clauses: str) -> Iterator[None]:
        """Name ``clauses`` in every failure inside the block: the kind of fault the rule aims at."""
        self.context = clauses
        try:
            yield
        finally:
            self.context = ()

    def _say(self, text: str) -> None:
        self.story.append(text)
        note(f"# {text}")

    # --- values the rules build tokens from ------------------------------------

    def _fresh(self, text: str) -> str:
        """A value no other token of this sequence has (the serial makes it unique), ending in ``text``."""
        self.serial += 1
        return f"{self.serial}.{text}"

    def _exchange(self, token: OAuthToken, text: str, expiry: str, rotate: bool = True) -> None:
        """What the token endpoint hands back: a new access token, an expiry, maybe a new refresh token."""
        token.set_access_token(self._fresh(text))
        token.set_expires_in(expiry)
        if rotate:
            token.set_refresh_token(self._fresh(text))

    @staticmethod
    def _refreshable(token: OAuthToken) -> bool:
        """Whether the SDK can refresh the token: it has client credentials and a refresh token."""
        return None not in (token.get_client_id(), token.get_client_secret(), token.get_refresh_token())

    def _remember(self, rid: str) -> None:
        record = self.model.records[rid]
        self.seen[rid] = record
        for key in KEYS:
            value = getattr(record, key)
            if value is not None and value not in self.history[key]:
                self.history[key].append(value)

    def _last_state(self, rid: str) -> TokenRecord:
        """The record as last stored: its state now, or the one it had when it was deleted."""
        return self.model.records.get(rid) or self.seen[rid]

    def _held_token(self, rid: str) -> OAuthToken:
        """A copy of the token the SDK holds for the record (its last stored state, even if deleted since)."""
        return make_token(**vars(self._last_state(rid)))

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

    def _probes(self, held: TokenRecord, app: dict[str, str]) -> list[dict[str, str]]:
        """A lookup by each key the record has, with the credentials that key needs."""
        return [self._query(key, getattr(held, key), app) for key in KEYS if getattr(held, key) is not None]

    def _owner(self, field: str, value: str | None) -> str | None:
        """The id of the record whose ``field`` is ``value``, if any."""
        return next((rid for rid, r in self.model.records.items() if getattr(r, field) == value), None)

    def _unused_name(self, name: str) -> str:
        return name if self._owner("user_name", name) is None else self._fresh(name)
