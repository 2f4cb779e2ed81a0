"""The kit's source as a release would see it: a copy of the checkout, its wheel, and a fresh environment.

The packaging and install tests build from a copy, never from the checkout
itself, so a build's ``build/`` and ``*.egg-info`` never land in the tree the
other tests import, and a test may put the copy in its release state.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from support.layout import ROOT

# What a checkout has that a release does not: VCS data, environments, build output, caches.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", ".tox", "build", "dist", "wheels", "mutants", "*.egg-info", "__pycache__",
    ".hypothesis", ".pytest_cache", ".ruff_cache", "*.py[cod]",
)  # fmt: skip


def copy_source(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=NOT_SOURCE)
    return dest


def run(
    command: list[str] | str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run a command to the end (at most 10 minutes), its output kept for the assertion message."""
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        shell=isinstance(command, str),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def build_wheel(source: Path, out: Path) -> Path:
    done = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(source)], source
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("tokenstore_conformance-*.whl")
    return wheel


def fresh_environment(where: Path) -> Path:
    """A virtual environment with pip and nothing else; returns its bin directory."""
    venv.EnvBuilder(with_pip=True).create(where)
    return where / ("Scripts" if os.name == "nt" else "bin")


def with_first_on_path(bin_dir: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a job's shell has once ``bin_dir`` is activated: its python and pip come first."""
    env = dict(os.environ if env is None else env)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(bin_dir.parent)
    env.pop("PYTHONHOME", None)
    return env
