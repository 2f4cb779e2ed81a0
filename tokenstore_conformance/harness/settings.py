"""The run's settings, resolved once from options, environment and ini into one frozen object.

Every part of the harness reads ``Settings`` from the config's stash instead
of asking pytest for options again, and the header says where each setting
came from, so a CI log answers "why did it test that store with that seed?".
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..flags import (
    ALLOW_EXISTING,
    BUDGET,
    EXPECT,
    EXPECT_WRITE,
    PROFILE,
    REPORT,
    SEED,
    STORES,
    STRICT,
    TIMEOUT,
    flag,
)
from ..lifecycle.profiles import PROFILES, Profile
from ..target.spec import StoreSpec
from .options import DEFAULT, DEFAULT_BUDGET, TERSE, resolve, seed_of
from .output_mode import output_mode
from .paths import shown_path

LIFECYCLE_TEST = "test_lifecycle"


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
    strict: bool  # SHOULD failures fail the run instead of warning
    strict_from: str
    report: Path | None = None  # where the JSON report goes
    report_from: str = DEFAULT
    expect: Path | None = None  # the known-failures file read
    expect_write: Path | None = None  # the known-failures file written at the end
    budget: float = DEFAULT_BUDGET  # seconds for the whole run; 0: no budget
    budget_from: str = DEFAULT
    terse: bool = False  # terse output (harness/output_mode.py)
    cwd: Path = Path()  # the working directory pytest started in: printed paths are relative to it

    def shown(self, path: Path) -> str:
        """A file the kit reads or writes, as its lines name it: relative to the working directory if inside it."""
        return shown_path(path, self.cwd)

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
            f"tokenstore timeout: {self.timeout:g}s per store call (from {self.timeout_from}), "
            f"{self._budget()} (from {self.budget_from}); "
            f"SHOULD clauses {'fail' if self.strict else 'warn'} (from {self.strict_from})",
            *self._files(),
        ]

    def _budget(self) -> str:
        return f"{self.budget:g}s for the whole run" if self.budget > 0 else "no budget for the whole run"

    def _files(self) -> list[str]:
        shown = []
        if self.report is not None:
            shown.append(f"JSON report to {self.shown(self.report)} (from {self.report_from})")
        if self.expect is not None:
            shown.append(f"known failures from {self.shown(self.expect)}")
        if self.expect_write is not None:
            shown.append(f"failures written to {self.shown(self.expect_write)}")
        return [f"tokenstore files: {'; '.join(shown)}"] if shown else []

    def rerun_command(self, spec: str) -> str:
        """The pytest command that runs the same lifecycle sequences against the same store again."""
        parts = [
            "pytest",
            f"{flag(STORES)}={spec}",
            f"{flag(PROFILE)}={self.profile.name}",
            f"{flag(SEED)}={self.seed}",
        ]
        if self.timeout_from != DEFAULT:
            parts.append(f"{flag(TIMEOUT)}={self.timeout:g}")
        if self.allow_existing:
            parts.append(flag(ALLOW_EXISTING))
        if self.strict:
            parts.append(flag(STRICT))
        parts += ["-k", LIFECYCLE_TEST]
        return shlex.join(parts)


def resolve_settings(config: pytest.Config, specs: list[StoreSpec], specs_from: str) -> Settings:
    """Every option resolved once (``options.resolve``), with the stores the run loaded."""
    timeout, budget, profile, seed = (resolve(config, dest) for dest in (TIMEOUT, BUDGET, PROFILE, SEED))
    strict, report = resolve(config, STRICT), resolve(config, REPORT)
    seed_value, drawn = seed_of(config)
    return Settings(
        specs=tuple(specs),
        specs_from=specs_from,
        timeout=timeout.value,
        timeout_from=timeout.source,
        allow_existing=bool(resolve(config, ALLOW_EXISTING).value),
        profile=PROFILES[profile.value],
        profile_from=profile.source,
        seed=seed_value,
        seed_from=seed.source,
        drawn=drawn,
        strict=strict.value,
        strict_from=strict.source,
        report=report.value,
        report_from=report.source,
        expect=resolve(config, EXPECT).value,
        expect_write=resolve(config, EXPECT_WRITE).value,
        budget=budget.value,
        budget_from=budget.source,
        terse=output_mode(config) == TERSE,
        cwd=config.invocation_params.dir,
    )


SETTINGS_KEY = pytest.StashKey[Settings]()
