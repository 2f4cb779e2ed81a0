"""One store at one size, however the size ends: measured, out of its time budget, or Ctrl-C.

The store is built fresh in a directory of its own and emptied afterwards in
every case, and a size that ends early becomes a ``Gap`` saying how far it
got, so the table and the files can say why it has no figures.
"""

from __future__ import annotations

from .loading import Target, open_store, refuse_held, scratch_directory
from .measure import OutOfBudget, SizeRun
from .progress import Progress
from .report import Gap, Row, format_seconds, rows_of


class SizeStopped(Exception):
    """A store ran out of its size budget; ``gap`` says how far it got. The bench goes on."""

    def __init__(self, gap: Gap) -> None:
        super().__init__(gap.detail)
        self.gap = gap


class SizeInterrupted(KeyboardInterrupt):
    """Ctrl-C while a store was measured at a size; ``gap`` says how far it got."""

    def __init__(self, gap: Gap) -> None:
        super().__init__(gap.detail)
        self.gap = gap


def measure(
    target: Target, size: int, repeat: int, batch: int, progress: Progress, budget: float | None = None
) -> list[Row]:
    """One store at one size, from a fresh store in a fresh directory; what it wrote is deleted.

    The deletion runs however the size ends (done, out of budget, Ctrl-C, a
    failing store), and only after the store was found empty, so it removes
    nothing the bench did not write.
    """
    with scratch_directory() as directory, open_store(target, directory) as store:
        refuse_held(
            target,
            store,
            f"before size {size:,} its storage was not emptied, so it is shared and the bench stops",
        )
        sized = SizeRun(target.label, store, size, progress, budget)
        try:
            results = sized.run(repeat, batch)
        except OutOfBudget:
            gap = _gap(target, sized, repeat, "size_budget")
            progress.stop(f"not measured: {gap.detail} (--size-budget)")
            raise SizeStopped(gap) from None
        except KeyboardInterrupt:
            raise SizeInterrupted(_gap(target, sized, repeat, "interrupted")) from None
        finally:
            try:
                store.delete_tokens()  # a store without tmp_path may keep its data between instances
            except Exception:
                pass
    return rows_of(target.label, target.spec, size, results)


def _gap(target: Target, sized: SizeRun, repeat: int, cause: str) -> Gap:
    took = f"in {format_seconds(sized.elapsed)} s"
    if sized.filled < sized.size:
        detail = f"filled {sized.filled:,} of {sized.size:,} {took}"
    else:
        detail = f"filled {sized.size:,}, then timed {sized.rounds} of {repeat} rounds, {took}"
    return Gap(target.label, target.spec, sized.size, cause, detail, sized.filled, round(sized.elapsed, 3))


def after_budget(target: Target, size: int, spent_at: int, budget: float) -> Gap:
    """The gap of a larger size, left out because a smaller one ran out of the budget."""
    detail = f"the size budget ({format_seconds(budget)} s) ran out at N={spent_at:,}"
    return Gap(target.label, target.spec, size, "after_size_budget", detail, 0, 0.0)
