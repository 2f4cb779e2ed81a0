"""How hard the lifecycle state machine tries: profiles, the seed, and the command that reruns a failure.

This module imports nothing heavy, because the plugin reads the profile names
while pytest parses its options, before it is known whether a store is named.

Runs are seeded by default (seed 0), so CI sees the same sequences on every
run and a red build cannot turn green by chance; ``--tokenstore-seed=random``
explores new sequences and still prints the seed it drew.
"""

from __future__ import annotations

import argparse
import random
import shlex
from dataclasses import dataclass

import pytest

DEFAULT_PROFILE = "fast"
DEFAULT_SEED = 0
RANDOM = "random"
TEST_NAME = "test_lifecycle"


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int
    steps: int
    shrink_seconds: float
    purpose: str


PROFILES = {
    profile.name: profile
    for profile in (
        Profile("fast", max_examples=50, steps=30, shrink_seconds=10, purpose="every CI run"),
        Profile(
            "thorough", max_examples=150, steps=50, shrink_seconds=60, purpose="releases and nightly runs"
        ),
    )
}

_DRAWN_SEED = pytest.StashKey[int]()
WORKER_SEED = "tokenstore_seed"  # the controller's seed, in a pytest-xdist worker's workerinput


def parse_seed(value: str) -> int | str:
    """The ``--tokenstore-seed`` value: a non-negative integer or ``random``."""
    if value == RANDOM:
        return RANDOM
    try:
        seed = int(value)
    except ValueError:
        seed = -1
    if seed < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer or {RANDOM!r}, got {value!r}")
    return seed


def profile_of(config: pytest.Config) -> Profile:
    return PROFILES[config.getoption("tokenstore_profile") or DEFAULT_PROFILE]


def seed_of(config: pytest.Config) -> tuple[int, bool]:
    """(the seed of this run, whether it was drawn at random); a drawn seed is drawn once per process."""
    option = config.getoption("tokenstore_seed")
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


def header(config: pytest.Config) -> str:
    profile = profile_of(config)
    seed, drawn = seed_of(config)
    how = "drawn at random" if drawn else "fixed: every run tests the same sequences"
    return (
        f"tokenstore lifecycle: profile {profile.name} ({profile.max_examples} sequences of up to "
        f"{profile.steps} steps, shrinking for up to {profile.shrink_seconds:g}s), seed {seed} ({how})"
    )


def reproduce_command(config: pytest.Config, spec: str) -> str:
    """The pytest command that runs the same sequences against the same store again."""
    seed, _ = seed_of(config)
    parts = [
        "pytest",
        f"--tokenstore={spec}",
        f"--tokenstore-profile={profile_of(config).name}",
        f"--tokenstore-seed={seed}",
    ]
    timeout = config.getoption("tokenstore_timeout")
    if timeout is not None:
        parts.append(f"--tokenstore-timeout={timeout:g}")
    if config.getoption("tokenstore_allow_existing"):
        parts.append("--tokenstore-allow-existing")
    parts += ["-k", TEST_NAME]
    return shlex.join(parts)
