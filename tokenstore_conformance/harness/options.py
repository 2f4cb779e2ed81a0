"""The options' defaults, and which stores a run names: read in every pytest run, so kept light.

The options' names live in ``flags.py``, below every layer that mentions them.
"""

from __future__ import annotations

import os
import random
import shlex

import pytest

from ..flags import SEED, STORES, STORES_ENV, flag
from ..lifecycle.profiles import DEFAULT_SEED, RANDOM

TERSE, FULL = "terse", "full"  # OUTPUT's values (harness/output_mode.py)
WORKER_SEED = SEED  # the controller's seed, in a pytest-xdist worker's workerinput

DEFAULT_TIMEOUT = 10.0
DEFAULT_BUDGET = 1200.0  # 20 minutes: ends well inside a CI job's limit, far above a correct store's run

_DRAWN_SEED = pytest.StashKey[int]()


def requested_specs(config: pytest.Config) -> tuple[list[str], str]:
    """Store SPECs and where they came from, in order of precedence: command line, TOKENSTORE, ini."""
    if config.getoption(STORES):
        # One value may list several stores, as the ini key and the environment do.
        return [spec for value in config.getoption(STORES) for spec in shlex.split(value)], flag(STORES)
    if os.environ.get(STORES_ENV, "").strip():
        return shlex.split(os.environ[STORES_ENV]), STORES_ENV
    specs = list(config.getini(STORES))
    return specs, f"ini {STORES}"


def seed_of(config: pytest.Config) -> tuple[int, bool]:
    """(the seed of this run, whether it was drawn at random); a drawn seed is drawn once per run.

    A pytest-xdist worker takes the seed its controller drew (``WORKER_SEED``),
    so every worker tests the sequences the header announced.
    """
    option = config.getoption(SEED)
    if option is None:
        return DEFAULT_SEED, False
    if option != RANDOM:
        return int(option), False
    from_controller = getattr(config, "workerinput", {}).get(WORKER_SEED)
    if from_controller is not None:
        return from_controller, True
    if _DRAWN_SEED not in config.stash:
        config.stash[_DRAWN_SEED] = random.SystemRandom().randrange(2**32)
    return config.stash[_DRAWN_SEED], True
