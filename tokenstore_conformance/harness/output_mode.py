"""Terse or full output: which one a run prints, decided once, before pytest's terminal reporter starts.

A first run against a new store fails dozens of tests with one fault, and
pytest prints a traceback for each: thousands of lines that say one thing.
Terse output prints the clause table and one line per fault instead
(harness/terse.py). It is the default under ``-q``, which asks for less; a
``--tb`` on the command line chooses pytest's failure output itself, so it
keeps the full output, as does ``-v`` or ``--tokenstore-output=full``.

Read in every pytest run that names a store, so it imports only pytest.
"""

from __future__ import annotations

import pytest

from ..flags import OUTPUT
from .options import FULL, TERSE, resolve

PYTEST_REPORTCHARS = "fE"  # pytest's default -r: a "FAILED ..." line per failed test, "ERROR ..." per error
_MODE = pytest.StashKey[str]()


def output_mode(config: pytest.Config) -> str:
    """``terse`` or ``full``: the option if given, else terse under -q without --tb, else full.

    Decided once and kept, since terse output then changes ``--tb`` itself.
    """
    if _MODE not in config.stash:
        chosen = resolve(config, OUTPUT).value
        if chosen is None:
            quiet = (config.getoption("verbose", 0) or 0) < 0
            chosen = TERSE if quiet and config.getoption("tbstyle", "auto") == "auto" else FULL
        config.stash[_MODE] = chosen
    return config.stash[_MODE]


def apply_output_mode(config: pytest.Config) -> None:
    """Under terse output, leave out pytest's per-test failure sections and ``FAILED`` lines.

    Only pytest's defaults are changed: a ``--tb`` or ``-r`` the user gave
    is kept. Runs before pytest's terminal reporter is made, which reads ``-r`` once.
    """
    if output_mode(config) != TERSE:
        return
    if config.getoption("tbstyle", "auto") == "auto":
        config.option.tbstyle = "no"
    if config.getoption("reportchars", PYTEST_REPORTCHARS) == PYTEST_REPORTCHARS:
        config.option.reportchars = "N"
