"""Deprecated: the reference stores moved to ``tokenstore_conformance.reference_stores``.

The old top-level name is generic enough to clash with a user's own package, so it stays for one
release only: each module here is the moved module itself (same objects, same classes), and the
first import warns with a DeprecationWarning that names the new path.
"""

import importlib
import sys
import warnings

NEW = "tokenstore_conformance.reference_stores"

warnings.warn(
    f"the reference_stores package is deprecated and will be removed in the next release; import {NEW} instead",
    DeprecationWarning,
    stacklevel=2,
)


def alias(old: str) -> None:
    """Make the old module name the new module, so both names give the same objects."""
    sys.modules[old] = importlib.import_module(NEW + old[len(__name__) :])
