"""The PNG plot: cost against N on log-log axes, one panel per operation, one line per store.

matplotlib is optional (``pip install tokenstore-conformance[plot]``); it is
imported only when a plot is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .loading import BenchUsageError
from .measure import OPS
from .report import Row

INSTALL_HINT = "--plot needs matplotlib: pip install tokenstore-conformance[plot]"


def require_matplotlib() -> None:
    """Fail before measuring anything if the plot cannot be drawn."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise BenchUsageError(INSTALL_HINT) from None


def write_plot(path: Path, rows: Sequence[Row], stores: Sequence[str], title: str = "") -> None:
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")  # files only; never needs a display
    import matplotlib.pyplot as plt

    ops = list(OPS)
    columns = 4
    figure, axes = plt.subplots(
        (len(ops) + columns - 1) // columns, columns, figsize=(16, 7.5), constrained_layout=True
    )
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for axis, op in zip(axes.flat, ops, strict=False):
        for index, store in enumerate(stores):
            points = sorted((r.size, r) for r in rows if r.store == store and r.op == op)
            if not points:
                continue
            sizes = [size for size, _ in points]
            color = colors[index % len(colors)]
            if op == "fill":
                axis.plot(sizes, [r.total_s for _, r in points], "o-", color=color, label=store)
            else:
                axis.plot(sizes, [r.p50_us for _, r in points], "o-", color=color, label=store)
                axis.plot(sizes, [r.p99_us for _, r in points], ":", color=color, linewidth=1)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_title(OPS[op], fontsize=10)
        axis.set_xlabel("tokens in the store (N)", fontsize=8)
        axis.set_ylabel("seconds, total" if op == "fill" else "µs per call (p50; dotted: p99)", fontsize=8)
        axis.grid(True, which="both", linewidth=0.3)
        axis.tick_params(labelsize=8)
    for axis in list(axes.flat)[len(ops) :]:
        axis.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=min(len(labels), 5), bbox_to_anchor=(0.5, -0.06))
    if title:
        figure.suptitle(title, fontsize=11)
    figure.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(figure)
