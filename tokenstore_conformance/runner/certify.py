"""``certify SPEC``: the hardest run the kit makes, a JSON report, a one-line verdict and a badge.

Certification uses the thorough lifecycle profile, a seed drawn at random
(printed, so a failure can be replayed), SHOULD clauses that fail the run, and
every clause, the SDK flow's included: a run that left a clause unchecked (for
example under ``-k``) certifies nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..flags import PROFILE, REPORT, SEED, STRICT, flag
from ..lifecycle.profiles import PROFILES, RANDOM
from .badge import LABEL, badge_markdown, badge_svg
from .pytest_run import add_words, run_pytest, split_words

DEFAULT_REPORT = "tokenstore-report.json"
DEFAULT_BADGE = "tokenstore-badge.svg"
CERTIFY_OPTIONS = (f"{flag(PROFILE)}={PROFILES['thorough'].name}", f"{flag(SEED)}={RANDOM}", flag(STRICT))
OWN_OPTIONS = ("--report", "--badge")

DESCRIPTION = f"""Certify one store: the contract with {" ".join(CERTIFY_OPTIONS)}, every clause
included. Writes the JSON report and an SVG badge, prints the verdict, the seed and the Markdown line
that shows the badge. Exit code: 0 conformant, 1 not (or a clause left unchecked), otherwise pytest's."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "certify",
        help="certify one store: thorough, random seed, strict; JSON report and badge",
        description=DESCRIPTION,
        usage="%(prog)s [--report PATH] [--badge FILE.svg] SPEC [-- PYTEST_ARGS]",
    )
    parser.add_argument(
        "--report", default=DEFAULT_REPORT, metavar="PATH", help=f"the JSON report (default {DEFAULT_REPORT})"
    )
    parser.add_argument(
        "--badge", default=DEFAULT_BADGE, metavar="FILE.svg", help=f"the SVG badge (default {DEFAULT_BADGE})"
    )
    add_words(parser)
    parser.set_defaults(run=run, parser=parser)


def run(args: argparse.Namespace) -> int:
    specs, pytest_args, separated = split_words(args.words)
    if len(specs) != 1:
        args.parser.error(
            f"certify takes exactly one SPEC (MODULE:ATTR), got {len(specs)}; arguments for pytest go after --"
        )
    if not separated and any(word.split("=", 1)[0] in OWN_OPTIONS for word in pytest_args):
        args.parser.error("put --report and --badge before SPEC; arguments after SPEC go to pytest")
    report = Path(args.report).absolute()
    report.unlink(missing_ok=True)  # never read an earlier run's report
    code = run_pytest(specs, [*CERTIFY_OPTIONS, f"{flag(REPORT)}={report}", *pytest_args])
    if not report.exists():
        return code  # pytest stopped before the run (a usage error): it said why
    document = json.loads(report.read_text(encoding="utf-8"))
    store = document["stores"][0]
    label, message = badge_words(document, store)
    Path(args.badge).write_text(badge_svg(store["verdict"], label, message), encoding="utf-8")
    options = document["options"]
    print(f"{flag(SEED)}={options['seed']} (drawn at random: pass it to rerun the same sequences)")
    print(verdict_line(document, store))
    if store["unchecked"]:
        print(
            f"not certified: {len(store['unchecked'])} clause(s) not checked: {', '.join(store['unchecked'])}"
        )
        code = code or 1
    print(f"report: {args.report}")
    print(f"badge: {args.badge}")
    print(badge_markdown(store["verdict"], args.badge, label, message))
    return code


def badge_words(document: dict, store: dict) -> tuple[str, str]:
    """What the badge certifies: the kit's version of the contract, and the MUST clauses passed.

    ``TokenStore contract 0.1.0.dev0 | conformant 66/66 MUST``: a reader of a README sees which contract
    and how much of it, not only a colour.
    """
    label = f"{LABEL} {document['kit']['version']}"
    if store["verdict"] == "not-built":
        return label, "not built"
    must = store["levels"]["MUST"]
    applicable = must["total"] - must["not-applicable"]
    passed = must["passed"] + must["unexpected-pass"]
    return label, f"{store['verdict'].replace('-', ' ')} {passed}/{applicable} MUST"


def verdict_line(document: dict, store: dict) -> str:
    """``conformant: 66/66 MUST (2 not applicable), 2/2 SHOULD, tokenstore-conformance 0.1.0.dev0, zohocrmsdk8-0 7.0.0``."""
    if store["verdict"] == "not-built":
        return f"not-built: {store['not_built']}"
    parts = []
    for level, counts in store["levels"].items():
        applicable = counts["total"] - counts["not-applicable"]
        part = f"{counts['passed'] + counts['unexpected-pass']}/{applicable} {level}"
        if counts["not-applicable"]:
            part += f" ({counts['not-applicable']} not applicable)"
        parts.append(part)
    kit, sdk = document["kit"], document["sdk"]
    parts += [f"{kit['name']} {kit['version']}", f"{sdk['distribution']} {sdk['version']}"]
    if (store.get("capabilities") or {}).get("single_user"):
        parts.append("declared single-user (the clauses that need several users do not apply)")
    return f"{store['verdict']}: {', '.join(parts)}"
