"""The run's settings, resolved once from options, environment and ini into one frozen object.

Every part of the harness reads ``Settings`` from the config's stash instead
of asking pytest for options again, and the header says where each setting
came from, so a CI log answers "why did it test that store with that seed?".
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

import pytest

from ..lifecycle.profiles import DEFAULT_PROFILE, PROFILES, Profile
from ..target.spec import StoreSpec
from .options import ALLOW_EXISTING, DEFAULT_TIMEOUT, PROFILE, SEED, TIMEOUT, flag, seed_of

LIFECYCLE_TEST = "test_lifecycle"
DEFAULT = "the default"


@dataclass(frozen=True)
class Settings:
    specs: tuple[StoreSpec, ...]
    specs_from: str
    timeout: float
    timeout_from: str
    allow_existing: bool
    profile: Profile
    profile_from: str
    seed: int
    seed_from: str
    drawn: bool  # the seed was drawn at random for this run

    @property
    def spec_names(self) -> list[str]:
        return [spec.name for spec in self.specs]

    def header(self) -> list[str]:
        how = "drawn at random" if self.drawn else "fixed: every run tests the same sequences"
        p = self.profile
        return [
            f"tokenstore: {', '.join(self.spec_names)} (from {self.specs_from})",
            f"tokenstore lifecycle: profile {p.name} ({p.max_examples} sequences of up to {p.steps} "
            f"steps, shrinking for up to {p.shrink_seconds:g}s; from {self.profile_from}), "
            f"seed {self.seed} ({how}; from {self.seed_from})",
            f"tokenstore timeout: {self.timeout:g}s per store call (from {self.timeout_from})",
        ]

    def rerun_command(self, spec: str) -> str:
        """The pytest command that runs the same lifecycle sequences against the same store again."""
        parts = [
            "pytest",
            f"--tokenstore={spec}",
            f"{flag(PROFILE)}={self.profile.name}",
            f"{flag(SEED)}={self.seed}",
        ]
        if self.timeout_from != DEFAULT:
            parts.append(f"{flag(TIMEOUT)}={self.timeout:g}")
        if self.allow_existing:
            parts.append(flag(ALLOW_EXISTING))
        parts += ["-k", LIFECYCLE_TEST]
        return shlex.join(parts)


def resolve(config: pytest.Config, specs: list[StoreSpec], specs_from: str) -> Settings:
    timeout = config.getoption(TIMEOUT)
    profile = config.getoption(PROFILE)
    seed, drawn = seed_of(config)
    return Settings(
        specs=tuple(specs),
        specs_from=specs_from,
        timeout=timeout_of(config),
        timeout_from=DEFAULT if timeout is None else flag(TIMEOUT),
        allow_existing=bool(config.getoption(ALLOW_EXISTING)),
        profile=PROFILES[profile or DEFAULT_PROFILE],
        profile_from=DEFAULT if profile is None else flag(PROFILE),
        seed=seed,
        seed_from=DEFAULT if config.getoption(SEED) is None else flag(SEED),
        drawn=drawn,
    )


def timeout_of(config: pytest.Config) -> float:
    """The per-call time limit, needed before the stores are loaded."""
    timeout = config.getoption(TIMEOUT)
    return DEFAULT_TIMEOUT if timeout is None else timeout


SETTINGS_KEY = pytest.StashKey[Settings]()
