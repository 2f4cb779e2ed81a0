"""The run's settings, resolved once from options, environment and ini into one frozen object.

Every part of the harness reads ``Settings`` from the config's stash instead
of asking pytest for options again, and the header says where each setting
came from, so a CI log answers "why did it test that store with that seed?".
"""

from __future__ import annotations

import os
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
    STRICT_ENV,
    TIMEOUT,
    flag,
)
from ..lifecycle.profiles import DEFAULT_PROFILE, PROFILES, Profile
from ..target.spec import StoreSpec
from .options import DEFAULT_BUDGET, DEFAULT_TIMEOUT, TERSE, seed_of
from .output_mode import output_mode
from .paths import shown_path

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


def resolve(config: pytest.Config, specs: list[StoreSpec], specs_from: str) -> Settings:
    timeout = config.getoption(TIMEOUT)
    budget = config.getoption(BUDGET)
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
        **dict(zip(("strict", "strict_from"), strict_of(config), strict=True)),
        **dict(zip(("report", "report_from"), report_of(config), strict=True)),
        expect=_path_option(config, EXPECT),
        expect_write=_path_option(config, EXPECT_WRITE),
        budget=DEFAULT_BUDGET if budget is None else budget,
        budget_from=DEFAULT if budget is None else flag(BUDGET),
        terse=output_mode(config) == TERSE,
        cwd=config.invocation_params.dir,
    )


def report_of(config: pytest.Config) -> tuple[Path | None, str]:
    """Where the JSON report goes and where that came from: the option (from the working directory), or ini (from rootdir)."""
    if config.getoption(REPORT):
        return _path_option(config, REPORT), flag(REPORT)
    value = str(config.getini(REPORT) or "").strip()
    if value:
        return config.rootpath / value, f"ini {REPORT}"
    return None, DEFAULT


def _path_option(config: pytest.Config, dest: str) -> Path | None:
    value = config.getoption(dest)
    return None if not value else config.invocation_params.dir / value


def strict_of(config: pytest.Config) -> tuple[bool, str]:
    """Whether SHOULD failures fail the run, and where that came from: option, environment, ini."""
    if config.getoption(STRICT):
        return True, flag(STRICT)
    value = os.environ.get(STRICT_ENV, "").strip()
    if value:
        return value.lower() not in ("0", "false", "no", "off"), STRICT_ENV
    if config.getini(STRICT):
        return True, f"ini {STRICT}"
    return False, DEFAULT


def timeout_of(config: pytest.Config) -> float:
    """The per-call time limit, needed before the stores are loaded."""
    timeout = config.getoption(TIMEOUT)
    return DEFAULT_TIMEOUT if timeout is None else timeout


SETTINGS_KEY = pytest.StashKey[Settings]()
