"""For mutation runs only: a mutant that keeps the store module from importing is killed.

The kit answers a SPEC it cannot import with a one-line usage error (exit 4),
which is right for a person at a terminal (a store that imports but cannot be
built is already a failing run, exit 1). mutmut takes exit 4 for a test
command that cannot run at all and gives up, on its forced-failure check and
on any mutant of a constructor. Loaded with ``-p`` from ``[tool.mutmut]``.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_cmdline_main(config: pytest.Config):
    try:
        return (yield)
    except pytest.UsageError as exc:
        print(f"usage error, counted as a failing run: {exc}")
        return pytest.ExitCode.TESTS_FAILED
