"""The pytest11 entry point: options (and the seed for xdist workers), nothing else until ``--tokenstore``.

This module is imported in every pytest run on a machine that has the kit
installed, so it imports no SDK code and registers no fixtures by itself; the
run-time part (``session.py``) is loaded only when a store is named.
"""

from __future__ import annotations

import os
import shlex
from typing import Any

import pytest

from .profiles import DEFAULT_PROFILE, DEFAULT_SEED, PROFILES, WORKER_SEED, parse_seed, seed_of

DEFAULT_TIMEOUT = 10.0

# The contract tests call helpers that assert; rewrite them so failures show
# pytest's full comparison. Registering is cheap and imports nothing.
pytest.register_assert_rewrite("tokenstore_conformance.contract", "tokenstore_conformance.checks")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tokenstore", "TokenStore conformance")
    group.addoption(
        "--tokenstore",
        action="append",
        default=None,
        metavar="MODULE:ATTR",
        help="run the TokenStore contract against this store: a TokenStore subclass or a "
        "factory callable (repeatable; also ini 'tokenstore' and env TOKENSTORE)",
    )
    group.addoption(
        "--tokenstore-allow-existing",
        action="store_true",
        default=False,
        help="DESTRUCTIVE: run even if the store already holds tokens; the kit's delete "
        "tests and cleanup will remove them",
    )
    group.addoption(
        "--tokenstore-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"time limit for one store call (default {DEFAULT_TIMEOUT:g}; 0 disables)",
    )
    group.addoption(
        "--tokenstore-profile",
        choices=sorted(PROFILES),
        default=DEFAULT_PROFILE,
        help=f"how many operation sequences the lifecycle test tries (default {DEFAULT_PROFILE}): "
        + "; ".join(f"{p.name}: {p.max_examples} of up to {p.steps} steps" for p in PROFILES.values()),
    )
    group.addoption(
        "--tokenstore-seed",
        type=parse_seed,
        default=None,
        metavar="N|random",
        help=f"seed of the lifecycle test's sequences (default {DEFAULT_SEED}, the same sequences on "
        "every run; 'random' draws one and prints it)",
    )
    parser.addini(
        "tokenstore",
        type="args",
        default=[],
        help="stores to run the TokenStore contract against (MODULE:ATTR ...)",
    )


def requested_specs(config: pytest.Config) -> list[str]:
    """Store SPECs in order of precedence: command line, then TOKENSTORE, then the ini file."""
    if config.getoption("tokenstore"):
        return list(config.getoption("tokenstore"))
    if os.environ.get("TOKENSTORE", "").strip():
        return shlex.split(os.environ["TOKENSTORE"])
    return list(config.getini("tokenstore"))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Hand pytest-xdist workers the seed the header shows, so a drawn seed is drawn once per run."""
    node.workerinput[WORKER_SEED] = seed_of(node.config)[0]


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    specs = requested_specs(config)
    if not specs:
        return
    from . import session

    session.start(config, specs)
