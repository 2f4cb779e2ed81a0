"""``python -m tokenstore_conformance``: check, certify and report, run as a store author runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support.layout import CHILD_PYTHONPATH
from support.reports import valid_report

from tokenstore_conformance import __version__
from tokenstore_conformance.harness.clauses import CLAUSES
from tokenstore_conformance.runner.badge import COLOURS, badge_svg
from tokenstore_conformance.runner.report import BEGIN, END
from tokenstore_conformance.sdk import sdk_distribution

LIST_STORE = "tokenstore_conformance.reference_stores.list_store:ListTokenStore"
MUST = sum(c.level == "MUST" for c in CLAUSES.values())
SHOULD = sum(c.level == "SHOULD" for c in CLAUSES.values())
BYID_RAISES = "broken_stores.byid_raises_on_miss:Store"
CHILD_PYTEST = ("-p", "no:cacheprovider", "-p", "no:randomly")
SVG = "{http://www.w3.org/2000/svg}"


def kit(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """``python -m tokenstore_conformance ARGS`` in ``cwd``, with tests/ importable for the store modules."""
    env = {**os.environ, "PYTHONPATH": CHILD_PYTHONPATH}
    env.pop("TOKENSTORE", None)
    command = [sys.executable, "-m", "tokenstore_conformance", *args]
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_version_and_help(tmp_path):
    assert kit("--version", cwd=tmp_path).stdout.strip() == f"tokenstore-conformance {__version__}"
    main = kit("--help", cwd=tmp_path)
    assert main.returncode == 0
    assert all(name in main.stdout for name in ("check", "certify", "report")), main.stdout
    for command, expected in (
        ("check", "check SPEC [SPEC ...] [-- PYTEST_ARGS]"),
        ("certify", "--tokenstore-profile=thorough"),
        ("report", "[LABEL=]FILE.json"),
    ):
        shown = kit(command, "--help", cwd=tmp_path)
        assert shown.returncode == 0, shown.stderr
        assert expected in " ".join(shown.stdout.split()), shown.stdout


def test_the_console_script_is_the_same_command(tmp_path):
    script = Path(sys.executable).with_name("tokenstore-conformance")
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == f"tokenstore-conformance {__version__}"


@pytest.mark.slow
def test_check_runs_from_any_directory_with_pytests_exit_codes(tmp_path):
    passed = kit("check", LIST_STORE, "--", *CHILD_PYTEST, "-k", "BYID-HIT", cwd=tmp_path)
    assert passed.returncode == 0, passed.stdout[-3000:]
    assert re.search(r"\b1 passed\b", passed.stdout), passed.stdout[-3000:]
    failed = kit("check", LIST_STORE, BYID_RAISES, "--", *CHILD_PYTEST, "-k", "BYID-MISS", cwd=tmp_path)
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert f"[2] {BYID_RAISES}" in failed.stdout
    unknown = kit("check", "no_such_module:Store", "--", *CHILD_PYTEST, cwd=tmp_path)
    assert unknown.returncode == pytest.ExitCode.USAGE_ERROR
    assert [line for line in unknown.stderr.splitlines() if line.startswith("ERROR: ")] == [
        "ERROR: --tokenstore 'no_such_module:Store': no module named 'no_such_module'; "
        "install it or run pytest from the directory that holds it"
    ]
    nothing = kit("check", cwd=tmp_path)
    assert nothing.returncode == 2
    assert "name at least one store" in nothing.stderr


@pytest.mark.slow
def test_certify_a_conformant_store(tmp_path):
    # The memory store: the list store scans by design, and certify is strict about SCALE's warning.
    done = kit(
        "certify",
        "tokenstore_conformance.reference_stores.memory_store:InMemoryTokenStore",
        "--",
        *CHILD_PYTEST,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    report = valid_report(tmp_path / "tokenstore-report.json")
    options = report["options"]
    assert (options["profile"], options["strict"], options["seed_drawn"]) == ("thorough", True, True)
    tail = done.stdout.splitlines()[-5:]
    name, version = sdk_distribution()
    verdict = re.fullmatch(
        rf"conformant: (\d+)/\1 MUST \((\d+) not applicable\), {SHOULD}/{SHOULD} SHOULD, "
        rf"tokenstore-conformance {re.escape(__version__)}, {re.escape(name)} {re.escape(version)}",
        tail[1],
    )
    assert verdict, tail
    assert int(verdict[1]) + int(verdict[2]) == MUST
    assert tail[:1] + tail[2:] == [
        f"--tokenstore-seed={options['seed']} (drawn at random: pass it to rerun the same sequences)",
        "report: tokenstore-report.json",
        "badge: tokenstore-badge.svg",
        f"![TokenStore contract {__version__}: conformant {verdict[1]}/{verdict[1]} MUST](tokenstore-badge.svg)",
    ]
    assert f"seed {options['seed']} (drawn at random" in done.stdout  # the header said it first
    badge = ET.parse(tmp_path / "tokenstore-badge.svg").getroot()
    # The badge says which contract and how much of it, not only a colour.
    assert [t.text for t in badge.iter(f"{SVG}text")] == [
        f"TokenStore contract {__version__}",
        f"conformant {verdict[1]}/{verdict[1]} MUST",
    ]
    assert COLOURS["conformant"] in [r.get("fill") for r in badge.iter(f"{SVG}rect")]


def test_a_store_that_fails_or_a_partial_run_is_not_certified(tmp_path):
    done = kit(
        "certify",
        "--report",
        "out/cert.json",
        "--badge",
        "badge.svg",
        BYID_RAISES,
        "--",
        *CHILD_PYTEST,
        "-k",
        "BYID-MISS or BYID-HIT",
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stdout[-3000:]
    store = valid_report(tmp_path / "out" / "cert.json")["stores"][0]
    assert store["verdict"] == "nonconformant"
    lines = done.stdout.splitlines()
    assert any(
        line.startswith(f"nonconformant: 1/{MUST} MUST, 0/{SHOULD} SHOULD, tokenstore-conformance")
        for line in lines
    )
    assert f"not certified: {len(store['unchecked'])} clause(s) not checked: SAVE-INSERT," in done.stdout
    assert lines[-1] == f"![TokenStore contract {__version__}: nonconformant 1/{MUST} MUST](badge.svg)"
    assert COLOURS["nonconformant"] in (tmp_path / "badge.svg").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["certify", LIST_STORE, BYID_RAISES], "certify takes exactly one SPEC (MODULE:ATTR), got 2"),
        (["certify", LIST_STORE, "--report", "x.json"], "put --report and --badge before SPEC"),
        (["certify"], "certify takes exactly one SPEC (MODULE:ATTR), got 0"),
    ],
)
def test_certify_usage_errors(tmp_path, args, message):
    done = kit(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "tokenstore-report.json").exists()


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory) -> Path:
    """Reports of a short run of a conformant store and of a store with one root fault."""
    where = tmp_path_factory.mktemp("reports")
    for name, spec in (("list", LIST_STORE), ("byid", BYID_RAISES)):
        report = f"--tokenstore-report={name}.json"
        done = kit(
            "check", spec, "--", *CHILD_PYTEST, report, "-k", "BYID-MISS or BYID-HIT or DELETE-ONE", cwd=where
        )
        assert done.returncode in (0, 1), done.stdout[-3000:]
    return where


def test_report_renders_stores_as_rows_and_clause_groups_as_columns(two_reports):
    done = kit("report", "List store=list.json", "byid.json", cwd=two_reports)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(
        f"Runs of tokenstore-conformance {__version__}, {' '.join(sdk_distribution())}"
    )
    assert lines[2:] == [
        "| store | verdict | root faults (fix in this order) | BYID | DELETE |",
        "| --- | --- | --- | --- | --- |",
        "| List store | conformant | none | 2/2 | 1/1 |",
        f"| `{BYID_RAISES}` | nonconformant | BYID-MISS | **1/2** | **0/1** |",
    ]


def test_report_updates_the_table_between_the_markers_of_a_page(two_reports):
    page = two_reports / "page.md"
    page.write_text(f"# Stores\n\nBefore.\n\n{BEGIN}\nold table\n{END}\n\nAfter.\n")
    stale = kit("report", "--update", "page.md", "--check", "list.json", cwd=two_reports)
    assert stale.returncode == 1
    assert stale.stderr.strip() == "page.md is out of date; regenerate it with --update page.md"
    assert kit("report", "--update", "page.md", "list.json", cwd=two_reports).returncode == 0
    text = page.read_text()
    assert text.startswith(f"# Stores\n\nBefore.\n\n{BEGIN}\nRuns of ")
    assert text.endswith(f"| `{LIST_STORE}` | conformant | none | 2/2 | 1/1 |\n{END}\n\nAfter.\n")
    assert "old table" not in text
    assert kit("report", "--update", "page.md", "--check", "list.json", cwd=two_reports).returncode == 0


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"page.md": "no markers\n"}, "the page has no <!-- BEGIN tokenstore-conformance report --> ... "),
        ({"old.json": '{"schema": 0}'}, "old.json: report schema 0, this kit reads schema 2"),
        ({"junk.json": "not json"}, "junk.json: not JSON"),
    ],
)
def test_report_usage_errors_are_one_line(tmp_path, two_reports, files, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    sources = [name for name in files if name.endswith(".json")] or [str(two_reports / "list.json")]
    done = kit("report", *(["--update", "page.md"] if "page.md" in files else []), *sources, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr.strip().splitlines()[-1]


def test_a_badge_is_well_formed_svg_whatever_the_label():
    svg = ET.fromstring(badge_svg("conformant-with-warnings", label="<Store> & co"))
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["<Store> & co", "conformant with warnings"]
    assert svg.find(f"{SVG}title").text == "<Store> & co: conformant with warnings"
    assert COLOURS["conformant-with-warnings"] in [r.get("fill") for r in svg.iter(f"{SVG}rect")]
    assert int(svg.get("width")) > len("<Store> & co conformant with warnings") * 6
