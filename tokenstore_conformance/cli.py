"""The command line: ``python -m tokenstore_conformance SUBCOMMAND ...``.

Each subcommand adds its own parser; this module only gathers them, so adding
one touches one line here.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tokenstore_conformance",
        description="Tools of the TokenStore conformance kit: run the contract on a store (check, certify), "
        "render JSON reports as Markdown (report) and measure stores (bench).",
    )
    parser.add_argument("--version", action="version", version=f"tokenstore-conformance {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    from .bench.command import add_parser as add_bench
    from .runner.certify import add_parser as add_certify
    from .runner.check import add_parser as add_check
    from .runner.report import add_parser as add_report

    add_check(subparsers)
    add_certify(subparsers)
    add_report(subparsers)
    add_bench(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; its exit code is returned (usage errors exit 2 from argparse)."""
    args = build_parser().parse_args(argv)
    return args.run(args)
