"""What a scenario saw, with values replaced by labels, so that a run and its control compare as shapes.

Some clauses are about a difference: a near-duplicate user name must be
treated exactly like an unrelated one, and a read made just after a write must
answer as it would have without the reads before the write. Such a clause
test runs one scenario twice, over different values (the control, and the
trial), and compares what the store answered step by step. A store with a
fault elsewhere (a broken lookup, a lossy column) shows it in both runs alike,
so only the difference the clause is about fails the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .tokens import FIELD_NAMES, TokenRecord, records_of

OTHER = "<a value the scenario never used>"


class Observed:
    """The steps of one run: each a name and the store's answer, as labels."""

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self.steps: list[tuple[str, object, object]] = []  # (step, shape, the answer itself)

    def known(self, *values: str | None) -> None:
        """Give values the next labels; call it with the scenario's inputs in the same order in both runs."""
        for value in values:
            if value is not None and value not in self.labels:
                self.labels[value] = f"value {len(self.labels)}"

    def known_record(self, record: TokenRecord) -> None:
        self.known(*(getattr(record, name) for name in FIELD_NAMES))

    def _shape(self, record: TokenRecord | None) -> tuple | None:
        if record is None:
            return None
        values = (getattr(record, name) for name in FIELD_NAMES)
        return tuple(None if v is None else self.labels.get(v, OTHER) for v in values)

    def read(self, step: str, action: Callable[[], TokenRecord | Iterable[TokenRecord] | None]) -> None:
        """Make one read and note its answer, or the exception it raised (both runs must raise alike)."""
        try:
            answer = action()
        except Exception as exc:
            self.steps.append((step, f"raised {type(exc).__name__}", f"raised {type(exc).__name__}: {exc}"))
            return
        self.note(step, answer)

    def write(self, step: str, action: Callable[[], object]) -> None:
        """Make one write and note whether it raised."""
        try:
            action()
        except Exception as exc:
            self.steps.append((step, f"raised {type(exc).__name__}", f"raised {type(exc).__name__}: {exc}"))
            return
        self.steps.append((step, "returned", "returned"))

    def note(self, step: str, answer: TokenRecord | Iterable[TokenRecord] | None) -> None:
        """Record the store's answer at ``step``: a record, None, or a list of records (in any order)."""
        if answer is None or isinstance(answer, TokenRecord):
            shape: object = self._shape(answer)
        else:
            answer = list(answer)
            shape = tuple(sorted((self._shape(r) for r in answer), key=repr))
        self.steps.append((step, shape, answer))


def first_difference(control: Observed, trial: Observed) -> str | None:
    """The first step at which the two runs differ, told with both answers; None if they agree."""
    for (step, shape, answer), (_, other_shape, other_answer) in zip(
        control.steps, trial.steps, strict=False
    ):
        if shape != other_shape:
            return f"{step}: the store answered\n  {told(other_answer)}\nwhere the control run got\n  {told(answer)}"
    if len(control.steps) != len(trial.steps):
        return f"the runs took {len(control.steps)} and {len(trial.steps)} steps"
    return None


def told(answer: object) -> str:
    """An answer for a failure message: a record, a list of records, None or an exception."""
    if isinstance(answer, list):
        return "[" + ", ".join(map(str, answer)) + "]" if answer else "[] (no records)"
    return str(answer)


def describe_records(records: list[TokenRecord]) -> str:
    return told(list(records))


def listing(store: object) -> list[TokenRecord]:
    """The store's records for a scenario's own bookkeeping: ``[]`` where get_tokens fails or returns None.

    Whether get_tokens works is GET-EMPTY's and GET-ALL's business; a scenario
    only needs to know which records were there before it began and which to
    delete after it.
    """
    try:
        return records_of(store.get_tokens() or [])
    except Exception:
        return []
