"""The rules that read the store and compare what it returns with the model, and the check after every step.

``find_token`` by each key of a record (deleted records too), by a value a
record had earlier, by a near miss a sloppy comparison confuses with a
record's, and ``find_token_by_id`` on an id the store handed out; after every
step, ``get_tokens`` and ``find_token_by_id`` of every instance against the model.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from ..records import KEYS
from . import strategies as values
from .base import RECORDS
from .checked import CheckedSteps


class ReadRules(CheckedSteps):
    """Lookups by every key, earlier value, near miss and id, each compared with the model."""

    @rule(
        record=RECORDS,
        key=st.sampled_from(KEYS),
        app=values.client_apps(),
        extra=values.extras(),
        with_id_of=st.none() | RECORDS,
    )
    def look_up(self, record: str, key: str, app: dict, extra: dict, with_id_of: str | None) -> None:
        """find_token by one key of a record (deleted records too), maybe with another record's id in front."""
        held = self._last_state(record)
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

    @rule(record=RECORDS, key=st.sampled_from(KEYS), how=values.near_misses(), app=values.client_apps())
    def look_up_a_near_miss(self, record: str, key: str, how: str, app: dict) -> None:
        """Look up a value a sloppy comparison confuses with a record's (case, padding, LIKE wildcards)."""
        held = self._last_state(record)
        if getattr(held, key) is None:
            key = "id"
        value = values.NEAR_MISSES[how](getattr(held, key))
        if key == "id":
            self._find_by_id(value, f"look up a {how} variant of {record!r}")
        found, _ = self._find(self._query(key, value, app), f"look up a {how} variant of a {key}")
        self._scribble([found], "find_token")

    @rule(record=RECORDS)
    def find_by_id(self, record: str) -> None:
        """find_token_by_id on an id the sequence got from the store (its record may be deleted since)."""
        self._find_by_id(record, f"look up {record!r} by its id")

    # --- after every step ---------------------------------------------------------

    @invariant()
    def store_agrees_with_model(self) -> None:
        """After every step: get_tokens matches the model as a multiset, and every model id is found by id."""
        self.check_agreement()
