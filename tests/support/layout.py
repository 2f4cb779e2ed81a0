"""Where the project's tests keep things, so a test in any folder of ``tests/`` finds them the same way.

The corpus stores are imported by name (``broken_stores.find_raises_on_miss``)
in this process and in every child kit run, so ``tests/corpus`` is on the
import path of both: here through ``pythonpath`` in pyproject.toml, in a child
through ``CHILD_PYTHONPATH``, which keeps ``tests/`` too for ``support``.
"""

from __future__ import annotations

import os
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent.parent
ROOT = TESTS_DIR.parent
CORPUS_DIR = TESTS_DIR / "corpus"
CHILD_PYTHONPATH = os.pathsep.join((str(CORPUS_DIR), str(TESTS_DIR)))
