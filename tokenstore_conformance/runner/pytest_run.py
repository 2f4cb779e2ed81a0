"""Running pytest with the kit on named stores, in a child process, from any directory.

A child process keeps every run apart (the SDK and Hypothesis hold global
state) and gives back pytest's own exit code. ``-p tokenstore`` loads the kit
by its entry point even where plugin autoloading is turned off.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from ..flags import STORES, flag

PLUGIN = "tokenstore"  # the pytest11 entry point's name (pyproject.toml)
WORDS_HELP = f"store SPECs (MODULE:ATTR, as for pytest {flag(STORES)}), then -- and arguments for pytest"


def add_words(parser: argparse.ArgumentParser) -> None:
    """SPECs and pytest's arguments, kept raw: argparse must not read pytest's options as its own."""
    parser.add_argument(
        "words", nargs=argparse.REMAINDER, metavar="SPEC ... [-- PYTEST_ARGS]", help=WORDS_HELP
    )


def split_words(words: list[str]) -> tuple[list[str], list[str], bool]:
    """(SPECs, pytest arguments, whether ``--`` separated them).

    Without ``--`` the SPECs end at the first word that starts with a dash,
    which is also what is left when an argparse version drops the ``--``.
    """
    if "--" in words:
        at = words.index("--")
        return words[:at], words[at + 1 :], True
    at = next((i for i, w in enumerate(words) if w.startswith("-")), len(words))
    return words[:at], words[at:], False


def pytest_command(specs: list[str], pytest_args: list[str]) -> list[str]:
    stores = [f"{flag(STORES)}={spec}" for spec in specs]
    return [sys.executable, "-m", "pytest", "-p", PLUGIN, *stores, *pytest_args]


def run_pytest(specs: list[str], pytest_args: list[str]) -> int:
    """Run the contract on the stores; pytest's exit code (0 passed, 1 failed, 4 usage error, ...)."""
    sys.stdout.flush()
    return subprocess.call(pytest_command(specs, pytest_args))
