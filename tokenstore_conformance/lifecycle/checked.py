"""The store and the model side by side: each SDK operation is performed on both and compared.

``LifecycleMachine`` (machine.py) chooses the operations; this base class
performs them, tells the story of the sequence, and turns every difference
into a ``LifecycleMismatch`` naming the clauses the failing comparison checks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from hypothesis import event, note, reject
from hypothesis.stateful import RuleBasedStateMachine

from ..records import FIELD_NAMES, FIND_BY, KEYS, SAVE_BY, TokenRecord, make_token, record_of, records_of
from ..records.tokens import brief, describe, describe_value
from ..sdk import OAuthToken, UserSignature
from ..target.cleanup import empty_store
from ..target.spec import StoreBuildError
from ..target.timeouts import StoreTimeout
from .failures import LifecycleAbort, LifecycleMismatch, ShrinkingOutOfTime
from .model import TokenModel, Undefined
from .state import Run

# After a test is done with an object the store handed it (or was handed), it
# writes this marker into every field; a store that kept the object shows it.
MARK = "changed by the caller after "
DETACHED = {
    "save_token": "SAVE-COPY",
    "find_token": "FIND-FILL-NONE-ONLY",
    "find_token_by_id": "BYID-DETACHED",
    "get_tokens": "GET-DETACHED",
}


class CheckedSteps(RuleBasedStateMachine):
    """One example: a fresh store, a fresh model, and the operations that compare them."""

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
                for field in FIELD_NAMES:
                    if field != "user_name":  # the SDK keeps the user name in a UserSignature
                        getattr(token, f"set_{field}")(mark)
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
        self._writing((*clauses, "SAVE-USER-ISOLATION") if others else clauses)
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
        self.inserts += rid is None
        rid = self.model.save(asked, assigned)
        self._remember(rid)
        self._scribble([token], "save_token")
        return rid

    def _held_token(self, rid: str) -> OAuthToken:
        """A copy of the token the SDK holds for the record (its last stored state, even if deleted since)."""
        return make_token(**vars(self.model.records.get(rid) or self.seen[rid]))

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

    def check_agreement(self) -> None:
        """After every step: get_tokens matches the model as a multiset, and every model id is found by id."""
        expected = self.model.all()
        suspects = tuple(dict.fromkeys(self.unchecked_writes)) or self.step_clauses
        for number, store in enumerate(self.instances):
            where = f" (instance {number})" if len(self.instances) > 1 else ""
            # A difference that shows only through another instance is a persistence fault.
            clauses = suspects + (("INSTANCE-PERSIST",) if store is not self.store else ())
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
        self.unchecked_writes = []

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
