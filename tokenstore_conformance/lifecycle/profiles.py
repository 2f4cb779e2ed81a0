"""How hard the lifecycle state machine tries: the profiles and the seed's syntax.

This module imports nothing heavy, because the plugin reads the profile names
while pytest parses its options, before it is known whether a store is named.

Runs are seeded by default (seed 0), so CI sees the same sequences on every
run and a red build cannot turn green by chance; ``--tokenstore-seed=random``
explores new sequences and still prints the seed it drew.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

DEFAULT_PROFILE = "fast"
DEFAULT_SEED = 0
RANDOM = "random"


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
