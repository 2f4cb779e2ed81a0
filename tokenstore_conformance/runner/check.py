"""``check SPEC [SPEC ...] [-- PYTEST_ARGS]``: the contract on the stores, with pytest's exit codes."""

from __future__ import annotations

import argparse

from ..flags import EXPECT, REPORT, flag
from .pytest_run import add_words, run_pytest, split_words

DESCRIPTION = f"""Run the TokenStore contract on each store (pytest with the kit), from any directory.
Arguments after -- go to pytest, for example {flag(EXPECT)}=FILE, {flag(REPORT)}=PATH,
--junitxml=PATH or -k CLAUSE-ID (-n N too, for a store whose factory keeps its storage in tmp_path). The exit code is pytest's: 0 every clause passed, 1 a
clause failed, 4 usage error (for example a SPEC that cannot be loaded)."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="run the contract on one or more stores",
        description=DESCRIPTION,
        usage="%(prog)s SPEC [SPEC ...] [-- PYTEST_ARGS]",
    )
    add_words(parser)
    parser.set_defaults(run=run, parser=parser)


def run(args: argparse.Namespace) -> int:
    specs, pytest_args, _ = split_words(args.words)
    if not specs:
        args.parser.error("name at least one store: check MODULE:ATTR [-- PYTEST_ARGS]")
    return run_pytest(specs, pytest_args)
