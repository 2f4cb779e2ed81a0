"""Where each option's value comes from, resolved by one function: read in every pytest run, so kept light.

An option may be given on the command line, in an environment variable or
in the ini file, or not at all; ``resolve`` tries them in that order for
every option, and says which one answered, so the header (and any message
about a value) can name the place to change it. The options' names live in
``flags.py``, below every layer that mentions them.
"""

from __future__ import annotations

import os
import random
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..flags import (
    ALLOW_EXISTING,
    BUDGET,
    EXPECT,
    EXPECT_WRITE,
    OUTPUT,
    PROFILE,
    REPORT,
    SEED,
    STORES,
    STORES_ENV,
    STRICT,
    STRICT_ENV,
    TIMEOUT,
    flag,
)
from ..lifecycle.profiles import DEFAULT_PROFILE, DEFAULT_SEED, RANDOM

TERSE, FULL = "terse", "full"  # OUTPUT's values (harness/output_mode.py)
WORKER_SEED = SEED  # the controller's seed, in a pytest-xdist worker's workerinput

DEFAULT_TIMEOUT = 10.0
DEFAULT_BUDGET = 1200.0  # 20 minutes: ends well inside a CI job's limit, far above a correct store's run
DEFAULT = "the default"  # the source of a setting given nowhere
FALSE_WORDS = ("0", "false", "no", "off")  # an environment variable set to one of these says no

_DRAWN_SEED = pytest.StashKey[int]()


@dataclass(frozen=True)
class Setting:
    """One option's value and where it came from: its flag, its variable, ``ini KEY`` or ``the default``."""

    value: Any
    source: str

    @property
    def given(self) -> bool:
        """Whether the user chose the value somewhere, rather than leaving the default."""
        return self.source != DEFAULT


def _as_given(config: pytest.Config, value: Any) -> Any:
    return value


def _specs(config: pytest.Config, values: list[str]) -> list[str]:
    # One value may list several stores, as the ini key and the environment do.
    return [spec for value in values for spec in shlex.split(value)]


def _from_invocation_dir(config: pytest.Config, value: str) -> Path:
    return config.invocation_params.dir / value


def _from_rootdir(config: pytest.Config, value: str) -> Path:
    return config.rootpath / value


def _yes(text: str) -> bool:
    return text.strip().lower() not in FALSE_WORDS


@dataclass(frozen=True)
class Option:
    """Where one option may be given besides the command line, and its value when given nowhere."""

    default: Any = None
    env: str | None = None  # read when the command line does not give the option
    ini: bool = False  # the ini key (the option's dest) is read after the environment
    from_option: Callable[[pytest.Config, Any], Any] = _as_given
    from_env: Callable[[str], Any] = str
    from_ini: Callable[[pytest.Config, Any], Any] = _as_given


OPTIONS = {
    STORES: Option(default=[], env=STORES_ENV, ini=True, from_option=_specs, from_env=shlex.split),
    TIMEOUT: Option(default=DEFAULT_TIMEOUT),
    BUDGET: Option(default=DEFAULT_BUDGET),
    ALLOW_EXISTING: Option(default=False),
    PROFILE: Option(default=DEFAULT_PROFILE),
    SEED: Option(default=DEFAULT_SEED),
    STRICT: Option(default=False, env=STRICT_ENV, ini=True, from_env=_yes),
    REPORT: Option(ini=True, from_option=_from_invocation_dir, from_ini=_from_rootdir),
    EXPECT: Option(from_option=_from_invocation_dir),
    EXPECT_WRITE: Option(from_option=_from_invocation_dir),
    OUTPUT: Option(),  # given nowhere, harness/output_mode.py decides from -q and --tb
}


def _given(value: Any) -> bool:
    """A command-line or ini value that counts as given: ``0`` does, an unset flag or an empty string does not."""
    return not (value is None or value is False or value == "" or value == [])


def resolve(config: pytest.Config, dest: str) -> Setting:
    """The option's value and its source: the command line, then its environment variable, then ini, then the default."""
    option = OPTIONS[dest]
    value = config.getoption(dest, None)
    if _given(value):
        return Setting(option.from_option(config, value), flag(dest))
    if option.env is not None:
        text = os.environ.get(option.env, "")
        if text.strip():
            return Setting(option.from_env(text), option.env)
    if option.ini:
        value = config.getini(dest)
        if isinstance(value, str):
            value = value.strip()
        if _given(value):
            return Setting(option.from_ini(config, value), f"ini {dest}")
    return Setting(option.default, DEFAULT)


def requested_specs(config: pytest.Config) -> tuple[list[str], str]:
    """Store SPECs and where they came from, in order of precedence: command line, TOKENSTORE, ini."""
    setting = resolve(config, STORES)
    return list(setting.value), setting.source


def seed_of(config: pytest.Config) -> tuple[int, bool]:
    """(the seed of this run, whether it was drawn at random); a drawn seed is drawn once per run.

    A pytest-xdist worker takes the seed its controller drew (``WORKER_SEED``),
    so every worker tests the sequences the header announced.
    """
    option = resolve(config, SEED).value
    if option != RANDOM:
        return int(option), False
    from_controller = getattr(config, "workerinput", {}).get(WORKER_SEED)
    if from_controller is not None:
        return from_controller, True
    if _DRAWN_SEED not in config.stash:
        config.stash[_DRAWN_SEED] = random.SystemRandom().randrange(2**32)
    return config.stash[_DRAWN_SEED], True
