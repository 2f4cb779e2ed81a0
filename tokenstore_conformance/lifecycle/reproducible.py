"""One seed, one set of sequences, wherever the kit is installed.

Hypothesis 6.131 and later mix into their draws the constants found in the
"local" modules loaded at the time: the kit's own modules when it is installed
editable, none when it comes from a wheel, and whatever else the project
holds. The same seed then draws other sequences on a developer's machine than
in CI, and a failing sequence printed with its rerun command may not come back
elsewhere. The lifecycle run turns that pool off while it runs.

This reaches into Hypothesis's internals, so it lives here alone, and it does
nothing on a Hypothesis without the pool (older) or with it moved (newer:
the test of this module in tests/kit/test_lifecycle.py then fails).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

try:
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants
except ImportError:  # pragma: no cover - Hypothesis before local constants
    providers = None


@contextmanager
def without_local_constants() -> Iterator[None]:
    """Draw as if no module of the caller's were loaded, for the duration of the block."""
    gather = getattr(providers, "_get_local_constants", None)
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    if gather is None or cache is None:
        yield
        return
    empty = Constants()
    providers._get_local_constants = lambda: empty
    cache.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = gather
        cache.cache.clear()
