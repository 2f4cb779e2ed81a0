"""Each operation performed on the store and on the model, and compared.

The rule groups choose the operations; the methods here perform them, tell
the story of the sequence, and turn every difference into a
``LifecycleMismatch`` naming the clauses the failing comparison checks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from hypothesis import event, reject

from ..records import FIELD_NAMES, FIND_BY, KEYS, SAVE_BY, TokenRecord, make_token, record_of, records_of
from ..records.tokens import brief, describe
from ..sdk import OAuthToken, SDKException, UserSignature
from .base import MachineBase
from .model import Undefined

# After a test is done with an object the store handed it (or was handed), it
# writes this marker into every field; a store that kept the object shows it.
MARK = "changed by the caller after "
DETACHED = {
    "save_token": "SAVE-COPY",
    "find_token": "FIND-FILL-NONE-ONLY",
    "find_token_by_id": "BYID-DETACHED",
    "get_tokens": "GET-DETACHED",
}


class CheckedSteps(MachineBase):
    """The store's five methods, each called as the SDK calls it and checked against the model."""

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

    def _probe(self, query: dict[str, str | None], why: str) -> None:
        """find_token with these fields, compared with the model; skipped where the contract says nothing."""
        try:
            self.model.match(record_of(make_token(**query)))
        except Undefined:
            return
        found, _ = self._find(query, why)
        self._scribble([found], "find_token")

    def _save(self, token: OAuthToken, why: str) -> str:
        """save_token; returns the id of the record the save must have written."""
        asked = record_of(token)
        if self.run.single_user:
            self._make_room(asked)
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

    def _make_room(self, asked: TokenRecord) -> None:
        """For a store declared single-user, delete the stored record if saving ``asked`` would insert a second.

        Such a store holds one user's tokens at a time by design, and what it
        does with a token that matches no record while it holds one is
        SAVE-SECOND-USER's question, not a sequence's: the contract lets it
        replace its record or keep it. So the application signs the holder
        out first, as an application on a single-slot store does before
        another login.
        """
        try:
            self.model.check_save(asked)
            rid, _ = self.model.match(asked)
        except Undefined:
            return  # the save is rejected as for any store
        if rid is None:
            for held in list(self.model.records):
                self._delete(held, "the store holds one user: the application signs the holder out first")

    def _find_by_id(self, rid: str, why: str) -> bool:
        """find_token_by_id, compared with the model; whether the store found a record (it must if one is stored)."""
        expected = self.model.records.get(rid)
        self.step_clauses = ("BYID-HIT",) if expected is not None else ("BYID-MISS",)
        self._say(f"{why}: find_token_by_id({rid!r})")
        found = self._call(self.store, "find_token_by_id", rid, clauses=self.step_clauses)
        if expected is None:
            if found is not None:
                self._fail(
                    ("BYID-MISS",), f"find_token_by_id({brief(rid)}) returned a token for an id no record has"
                )
            return False
        if not isinstance(found, OAuthToken):
            self._fail(("BYID-HIT",), f"find_token_by_id({brief(rid)}) returned {found!r} for a stored id")
        if record_of(found) != expected:
            self._fail(
                ("BYID-HIT",),
                f"find_token_by_id({brief(rid)}) returned\n  {describe(record_of(found))}\n"
                f"but the record is\n  {describe(expected)}",
            )
        self._scribble([found], "find_token_by_id")
        return True

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

    def _delete(self, rid: str, why: str) -> None:
        self._writing(("DELETE-ONE",) if rid in self.model.records else ("DELETE-UNKNOWN",))
        self._say(f"{why}: delete_token({rid!r})")
        event(f"delete_token: {'known' if rid in self.model.records else 'unknown'} id")
        self._call(self.store, "delete_token", rid, clauses=self.step_clauses, allowed=(SDKException,))
        self.model.delete(rid)

    def _delete_all(self) -> None:
        self._writing(("DELETEALL-EMPTIES",))
        self._say("delete_tokens()")
        self._call(self.store, "delete_tokens", clauses=self.step_clauses)
        self.model.delete_all()

    # --- after every step ---------------------------------------------------------

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
