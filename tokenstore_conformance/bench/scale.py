"""Does a store's cost grow with its size? A measurement that holds up on a busy machine.

One timing at 500 tokens against one at 5,000 says little when other
processes share the CPU: a burst during either decides the ratio. Here two
stores, one filled to each size, are measured in alternation, in many short
batches, the order flipping every batch. The ratio is the median, over the
pairs of batches, of large / small: the two batches of a pair run within
milliseconds of each other, so a burst or a slow drift of the machine's
speed weighs on both and cancels out, and the median drops the pairs a burst
split. Garbage collection is held off while a batch is timed.
"""

from __future__ import annotations

import argparse
import gc
import statistics
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from time import monotonic, perf_counter_ns

from ..sdk import TokenStore
from .workload import Workload, by_user_name


@dataclass(frozen=True)
class ScaleFigures:
    """Median cost per call, in nanoseconds, of a find by user name and of an update, at two sizes."""

    small: int
    large: int
    find_small_ns: float
    find_large_ns: float
    update_small_ns: float
    update_large_ns: float
    find_ratio: float  # median over pairs of batches of large / small
    update_ratio: float
    interleaved: bool  # False when the two stores shared storage and were measured one after the other


# Saves between two projections of when a fill ends: enough that a few slow saves do not decide it.
PROJECT_EVERY = 100


class OutOfTime(Exception):
    """The measurement ran past its budget; the message says how far it got."""


class _Sized:
    """One store filled to a size, with the workload that knows its users."""

    def __init__(self, store: TokenStore, seed: int, deadline: float | None) -> None:
        self.store, self.workload = store, Workload(seed=seed)
        self.deadline = deadline
        self.find: list[float] = []
        self.update: list[float] = []

    def _in_time(self, doing: str) -> None:
        # A store whose saves grow with its size fills far slower than its first saves promise.
        if self.deadline is not None and monotonic() > self.deadline:
            raise OutOfTime(f"out of time while {doing}, at {len(self.workload.users)} tokens")

    def fill_to(self, size: int) -> None:
        window_start, in_window, paces = monotonic(), 0, []
        for user, token in self.workload.new_logins(size - len(self.workload.users)):
            self._in_time(f"filling a store to {size} tokens")
            self.store.save_token(token)
            self.workload.saved(user, token)
            in_window += 1
            if in_window == PROJECT_EVERY:
                now = monotonic()
                paces = [*paces[-2:], (now - window_start) / in_window]
                self._fill_ends_in_time(size, paces, now)
                window_start, in_window = now, 0

    def _fill_ends_in_time(self, size: int, paces: list[float], now: float) -> None:
        # Waiting for the deadline costs the whole budget; the pace of the last windows of saves
        # shows sooner that the fill cannot end in time. Only what two or three windows agree on
        # counts (the faster pace, the smaller rise), so that one burst of a shared machine does not.
        if self.deadline is None or len(paces) < 2:
            return
        left = size - len(self.workload.users)
        pace = min(paces[-2:])
        rises = [later - earlier for earlier, later in zip(paces, paces[1:], strict=False)]
        rise_per_save = max(0.0, min(rises)) / PROJECT_EVERY if len(paces) == 3 else 0.0
        needed = left * pace + rise_per_save * left * left / 2
        if now + needed > self.deadline:
            raise OutOfTime(
                f"out of time while filling a store to {size} tokens, at {len(self.workload.users)} tokens: "
                f"a save takes {pace * 1e3:.1f} ms there, so the {left} left would take about "
                f"{needed:.0f}s, {now + needed - self.deadline:.0f}s past the budget"
            )

    def batch(self, count: int) -> None:
        self._in_time("timing lookups and updates")
        finds = [by_user_name(u) for u in self.workload.pick(count)]
        updates = [self.workload.refresh(u) for u in self.workload.pick(count)]
        self.find.append(_per_call(self.store.find_token, finds))
        self.update.append(_per_call(self.store.save_token, updates))


def _per_call(call: Callable[[object], object], arguments: Sequence[object]) -> float:
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = perf_counter_ns()
        for argument in arguments:
            call(argument)
        return (perf_counter_ns() - start) / len(arguments)
    finally:
        if enabled:
            gc.enable()


def measure_scale(
    make_store: Callable[[], TokenStore],
    small: int = 500,
    large: int = 5000,
    *,
    batches: int = 41,
    batch_size: int = 20,
    seed: int = 0,
    budget_seconds: float | None = None,
) -> ScaleFigures:
    """Median cost of find_token by user name and of an update, with ``small`` and with ``large`` tokens.

    ``make_store`` is called twice and should give stores with storage of their
    own (a factory's ``tmp_path`` in two directories), so both sizes exist at
    once and can be measured in alternation. If the second store sees the
    first one's tokens, storage is shared: the sizes are then measured one
    after the other, in the same short batches. The caller empties the stores.
    Past ``budget_seconds`` the measurement stops with ``OutOfTime``.
    """
    if not 0 < small < large:
        raise ValueError(f"need 0 < small < large, got small={small}, large={large}")
    deadline = None if budget_seconds is None else monotonic() + budget_seconds
    first = _Sized(make_store(), seed, deadline)
    first.fill_to(small)
    second_store = make_store()
    if len(second_store.get_tokens() or []) != 0:
        return _one_after_the_other(first, small, large, batches, batch_size)
    second = _Sized(second_store, seed + 1, deadline)
    second.fill_to(large)
    for number in range(batches):
        for sized in (first, second) if number % 2 == 0 else (second, first):
            sized.batch(batch_size)
    return ScaleFigures(
        small,
        large,
        statistics.median(first.find),
        statistics.median(second.find),
        statistics.median(first.update),
        statistics.median(second.update),
        find_ratio=statistics.median(b / a for a, b in zip(first.find, second.find, strict=False)),
        update_ratio=statistics.median(b / a for a, b in zip(first.update, second.update, strict=False)),
        interleaved=True,
    )


def _one_after_the_other(
    sized: _Sized, small: int, large: int, batches: int, batch_size: int
) -> ScaleFigures:
    for _ in range(batches):
        sized.batch(batch_size)
    at_small = (statistics.median(sized.find), statistics.median(sized.update))
    sized.find, sized.update = [], []
    sized.fill_to(large)
    for _ in range(batches):
        sized.batch(batch_size)
    find_large, update_large = statistics.median(sized.find), statistics.median(sized.update)
    return ScaleFigures(
        small,
        large,
        at_small[0],
        find_large,
        at_small[1],
        update_large,
        find_ratio=find_large / at_small[0],
        update_ratio=update_large / at_small[1],
        interleaved=False,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tokenstore_conformance.bench.scale SPEC [--runs N]``: the ratio, run after run."""
    from .loading import (
        BenchUsageError,
        StoreRefused,
        load_target,
        open_store,
        refuse_if_not_empty,
        scratch_directory,
    )

    parser = argparse.ArgumentParser(prog="python -m tokenstore_conformance.bench.scale")
    parser.add_argument("spec", metavar="SPEC")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--large", type=int, default=5000)
    parser.add_argument("--limit", type=float, default=4.0, help="count the runs whose ratio exceeds this")
    args = parser.parse_args(argv)
    try:
        target = load_target(args.spec)
        refuse_if_not_empty(target)
    except BenchUsageError as exc:
        parser.exit(2, f"scale: error: {exc}\n")
    except StoreRefused as exc:
        parser.exit(4, f"scale: error: {exc}\n")
    over = 0
    for run in range(1, args.runs + 1):
        with ExitStack() as stack:
            built = [
                stack.enter_context(open_store(target, stack.enter_context(scratch_directory())))
                for _ in range(2)
            ]
            figures = measure_scale(list(built).pop, args.small, args.large, seed=run)
            for store in built:  # a store without tmp_path may keep its tokens between instances
                store.delete_tokens()
        worst = max(figures.find_ratio, figures.update_ratio)
        over += worst > args.limit
        print(
            f"run {run}: find {figures.find_small_ns / 1000:.1f} -> {figures.find_large_ns / 1000:.1f} us "
            f"(x{figures.find_ratio:.2f}), update {figures.update_small_ns / 1000:.1f} -> "
            f"{figures.update_large_ns / 1000:.1f} us (x{figures.update_ratio:.2f})"
            + ("" if figures.interleaved else ", one after the other")
        )
    print(f"{target.label}: ratio above {args.limit:g} in {over}/{args.runs} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
