"""The pytest11 entry point: options, and nothing else until ``--tokenstore`` is given.

This module is imported in every pytest run on a machine that has the kit
installed, so it imports no SDK code and registers no fixtures by itself; the
run-time part (``session.py``) is loaded only when a store is named.
"""

from __future__ import annotations

import os
import shlex

import pytest

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


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    specs = requested_specs(config)
    if not specs:
        return
    from . import session

    session.start(config, specs)
