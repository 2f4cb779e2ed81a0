"""The pytest11 entry point: options (and the seed for xdist workers), nothing else until ``--tokenstore``.

This module is imported in every pytest run on a machine that has the kit
installed, so it imports no SDK code and registers no fixtures by itself; the
harness is loaded only when a store is named.
"""

from __future__ import annotations

from typing import Any

import pytest

from .flags import (
    ALLOW_EXISTING,
    BUDGET,
    EXPECT,
    EXPECT_WRITE,
    OUTPUT,
    PROFILE,
    REPORT,
    SEED,
    STORES,
    STORES_ENV,
    STRICT,
    STRICT_ENV,
    TIMEOUT,
    flag,
)
from .harness.options import (
    DEFAULT_BUDGET,
    DEFAULT_TIMEOUT,
    FULL,
    TERSE,
    WORKER_SEED,
    requested_specs,
    seed_of,
)
from .harness.output_mode import apply_output_mode
from .lifecycle.profiles import DEFAULT_PROFILE, DEFAULT_SEED, PROFILES, parse_seed

# The contract tests call helpers that assert; rewrite them so failures show
# pytest's full comparison. Registering is cheap and imports nothing.
pytest.register_assert_rewrite("tokenstore_conformance.contract")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tokenstore", "TokenStore conformance")
    group.addoption(
        flag(STORES),
        action="append",
        dest=STORES,
        default=None,
        metavar="MODULE:ATTR",
        help="run the TokenStore contract against this store: a TokenStore subclass or a "
        f"factory callable (repeatable; also ini '{STORES}' and env {STORES_ENV})",
    )
    group.addoption(
        flag(ALLOW_EXISTING),
        action="store_true",
        dest=ALLOW_EXISTING,
        default=False,
        help="DESTRUCTIVE: run even if the store already holds tokens; the kit's delete "
        "tests and cleanup will remove them",
    )
    group.addoption(
        flag(TIMEOUT),
        type=float,
        dest=TIMEOUT,
        default=None,
        metavar="SECONDS",
        help=f"time limit for one store call (default {DEFAULT_TIMEOUT:g}; 0 disables)",
    )
    group.addoption(
        flag(BUDGET),
        type=float,
        dest=BUDGET,
        default=None,
        metavar="SECONDS",
        help=f"time for the whole run (default {DEFAULT_BUDGET:g}; 0 disables): once spent, the run "
        "stops after the test in progress, with the verdicts it has and the rest 'not judged'",
    )
    group.addoption(
        flag(PROFILE),
        choices=sorted(PROFILES),
        dest=PROFILE,
        default=None,
        help=f"how many operation sequences the lifecycle test tries (default {DEFAULT_PROFILE}): "
        + "; ".join(f"{p.name}: {p.max_examples} of up to {p.steps} steps" for p in PROFILES.values()),
    )
    group.addoption(
        flag(SEED),
        type=parse_seed,
        dest=SEED,
        default=None,
        metavar="N|random",
        help=f"seed of the lifecycle test's sequences (default {DEFAULT_SEED}, the same sequences on "
        "every run; 'random' draws one and prints it)",
    )
    group.addoption(
        flag(STRICT),
        action="store_true",
        dest=STRICT,
        default=False,
        help=f"fail the run when a SHOULD clause fails (default: warn); also ini '{STRICT}' and env {STRICT_ENV}=1",
    )
    group.addoption(
        flag(REPORT),
        dest=REPORT,
        default=None,
        metavar="PATH",
        help=f"write the verdicts of every store and clause as JSON to PATH (also ini '{REPORT}'; "
        "format in docs/report.md)",
    )
    group.addoption(
        flag(EXPECT),
        dest=EXPECT,
        default=None,
        metavar="FILE",
        help="known failures: clauses listed per store in FILE are reported 'expected-failure' and "
        "do not fail the run; a listed clause that passes does",
    )
    group.addoption(
        flag(EXPECT_WRITE),
        dest=EXPECT_WRITE,
        default=None,
        metavar="FILE",
        help=f"write each store's failing clauses to FILE, in the format {flag(EXPECT)} reads",
    )
    group.addoption(
        flag(OUTPUT),
        choices=(TERSE, FULL),
        dest=OUTPUT,
        default=None,
        help=f"{TERSE}: the failing clauses and one line per fault (equal failures counted together), no "
        f"tracebacks; {FULL}: pytest's report of every failed test and the whole clause table "
        f"(default: {TERSE} under -q without --tb, else {FULL})",
    )
    parser.addini(
        REPORT, type="string", default="", help="where to write the JSON report (relative to rootdir)"
    )
    parser.addini(STRICT, type="bool", default=False, help="SHOULD clauses fail the run instead of warning")
    parser.addini(
        STORES,
        type="args",
        default=[],
        help="stores to run the TokenStore contract against (MODULE:ATTR ...)",
    )


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Hand pytest-xdist workers the seed the header shows, so a drawn seed is drawn once per run."""
    node.workerinput[WORKER_SEED] = seed_of(node.config)[0]


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Choose terse or full output before pytest's terminal reporter reads ``--tb`` and ``-r``."""
    if requested_specs(config)[0]:
        apply_output_mode(config)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    specs, source = requested_specs(config)
    if not specs:
        return
    from .harness import session

    session.start(config, specs, source)


def pytest_report_header(config: pytest.Config) -> list[str]:
    """With the kit installed but no store named, a plain ``pytest`` says how to name one.

    A run with a store gets its header from the harness instead.
    """
    if requested_specs(config)[0]:
        return []
    return [
        f"tokenstore: no store named, so the TokenStore contract does not run; name one with "
        f"{flag(STORES)}=MODULE:ATTR (or ini '{STORES}', or env {STORES_ENV})"
    ]
