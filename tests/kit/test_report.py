"""The JSON report and the junit XML properties, from real child runs, under pytest-xdist too."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from support.reports import clause_verdicts, schema, store_of, valid_report

from tokenstore_conformance import __version__
from tokenstore_conformance.harness.clauses import CLAUSES, prerequisites
from tokenstore_conformance.sdk import sdk_distribution

# Conformant without warnings (the list store warns SCALE: it scans by design).
MEMORY_STORE = "tokenstore_conformance.reference_stores.memory_store:InMemoryTokenStore"
SQLITE_STORE = "tokenstore_conformance.reference_stores.sqlite_store:tmp_path_store"
BYID_RAISES = "broken_stores.byid_raises_on_miss:Store"
NO_ECHO = "broken_stores.update_does_not_echo_id:Store"
# The clauses a -k run checks (clause ids only: "BYID" alone also matches the store's name).
SOME = "BYID-MISS or BYID-HIT or DELETE-ONE or DELETEALL-EMPTIES or SAVE-INSERT"


def _table(verdicts: dict[str, str]) -> dict[str, str]:
    """The report's verdicts in the terminal table's words."""
    return {cid: verdict.replace("-", " ") for cid, verdict in verdicts.items()}


def _shape(clause: dict) -> dict:
    failure = clause["first_failure"]
    return {**clause, "first_failure": failure and failure.split("(", 1)[0]}


def test_the_shipped_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_a_full_run_reports_every_clause_as_the_table_shows_it(run_kit, pytester):
    run = run_kit(
        f"--tokenstore={MEMORY_STORE}", f"--tokenstore={SQLITE_STORE}", "--tokenstore-report=out.json"
    )
    assert run.ret == 0, run
    assert "tokenstore: JSON report written to" in run.stdout, run
    report = valid_report(pytester.path / "out.json")
    assert report["kit"] == {"name": "tokenstore-conformance", "version": __version__}
    assert (report["sdk"]["distribution"], report["sdk"]["version"]) == sdk_distribution()
    assert report["options"] == {
        "profile": "fast",
        "seed": 0,
        "seed_drawn": False,
        "strict": False,
        "timeout": 10.0,
        "budget": 1200.0,
        "allow_existing": False,
        "expect": None,
    }
    assert report["exit_status"] == 0
    assert report["started"] <= report["finished"]
    assert [s["spec"] for s in report["stores"]] == [MEMORY_STORE, SQLITE_STORE]
    for index, spec in enumerate((MEMORY_STORE, SQLITE_STORE)):
        store = store_of(report, spec)
        assert store["verdict"] == "conformant"
        assert store["unchecked"] == []
        assert store["root_faults"] == []
        assert _table(clause_verdicts(store)) == run.verdicts(index)
        assert [c["id"] for c in store["clauses"]] == list(CLAUSES)
        assert all(c["tests"] and all(spec in node for node in c["tests"]) for c in store["clauses"])
        must = store["levels"]["MUST"]
        assert must["total"] == sum(c.level == "MUST" for c in CLAUSES.values())
        assert must["passed"] + must["not-applicable"] == must["total"]
    assert store_of(report, MEMORY_STORE)["capabilities"] == {
        "persistent": False,
        "concurrency": "threads",
        "single_user": False,
    }
    assert store_of(report, SQLITE_STORE)["capabilities"]["persistent"] is True
    assert clause_verdicts(store_of(report, MEMORY_STORE))["INSTANCE-PERSIST"] == "not-applicable"


def test_failed_and_blocked_clauses_name_their_cause_in_store_terms(run_kit, pytester):
    run = run_kit(f"--tokenstore={BYID_RAISES}", "--tokenstore-report=out.json", "-k", SOME)
    assert run.ret == 1, run
    report = valid_report(pytester.path / "out.json")
    assert report["exit_status"] == 1
    store = report["stores"][0]
    assert store["verdict"] == "nonconformant"
    clauses = {c["id"]: c for c in store["clauses"]}
    assert _table(clause_verdicts(store)) == {k: v for k, v in run.verdicts().items() if k in clauses}
    assert clauses["BYID-MISS"]["verdict"] == "failed"
    assert clauses["BYID-MISS"]["first_failure"].startswith("find_token_by_id(")
    assert "SDKException" in clauses["BYID-MISS"]["first_failure"]
    assert clauses["DELETE-ONE"] | {"tests": []} == {
        "id": "DELETE-ONE",
        "level": "MUST",
        "verdict": "blocked",
        "relies_on": list(prerequisites("DELETE-ONE")),
        "blocked_by": ["BYID-MISS"],
        "violated": [],
        "tests": [],
        "first_failure": None,
        "not_applicable_because": None,
    }
    assert clauses["SAVE-INSERT"]["verdict"] == "passed"
    assert clauses["SAVE-INSERT"]["first_failure"] is None
    assert "BYID-MISS" in clauses["DELETE-ONE"]["relies_on"]
    assert store["root_faults"] == ["BYID-MISS"]
    assert "LIFECYCLE" in store["unchecked"]
    assert "BYID-MISS" not in store["unchecked"]
    assert sum(level["unchecked"] for level in store["levels"].values()) == len(store["unchecked"])


def test_under_xdist_the_controller_writes_one_report_with_every_test(run_kit, pytester):
    serial = run_kit(f"--tokenstore={BYID_RAISES}", "--tokenstore-report=serial.json", "-k", SOME)
    parallel = run_kit(
        f"--tokenstore={BYID_RAISES}", "--tokenstore-report=parallel.json", "-k", SOME, "-n", "2"
    )
    assert serial.ret == parallel.ret == 1, parallel
    one, two = (valid_report(pytester.path / name)["stores"][0] for name in ("serial.json", "parallel.json"))
    # The same clauses, verdicts, tests and failing call (its argument is a random id).
    assert [_shape(c) for c in one["clauses"]] == [_shape(c) for c in two["clauses"]]
    assert one["root_faults"] == two["root_faults"] == ["BYID-MISS"]
    assert sorted(p.name for p in pytester.path.iterdir() if p.suffix in (".json", ".tmp")) == [
        "parallel.json",
        "serial.json",
    ]


def test_junit_xml_carries_clause_level_and_store_on_every_contract_test(run_kit, pytester):
    run = run_kit(
        f"--tokenstore={MEMORY_STORE}",
        f"--tokenstore={BYID_RAISES}",
        "--junitxml=junit.xml",
        "-k",
        SOME,
        "-n",
        "2",
    )
    assert run.ret == 1, run
    cases = ET.parse(pytester.path / "junit.xml").getroot().iter("testcase")
    seen = set()
    for case in cases:
        properties = [(p.get("name"), p.get("value")) for p in case.iter("property")]
        clauses = [v for n, v in properties if n == "tokenstore.clause"]
        levels = [v for n, v in properties if n == "tokenstore.level"]
        stores = [v for n, v in properties if n == "tokenstore.store"]
        assert clauses, case.get("name")
        assert levels == [CLAUSES[cid].level for cid in clauses]
        assert len(stores) == 1
        assert stores[0] in case.get("name")
        seen |= {(stores[0], cid) for cid in clauses}
    assert (BYID_RAISES, "BYID-MISS") in seen
    assert (MEMORY_STORE, "BYID-MISS") in seen


def test_a_store_that_is_not_built_is_reported_with_its_reason(run_kit, pytester):
    pytester.makepyfile(unbuilt="def Store():\n    raise RuntimeError('no database configured')\n")
    run = run_kit(
        f"--tokenstore={MEMORY_STORE}",
        "--tokenstore=unbuilt:Store",
        "--tokenstore-report=out.json",
        "-k",
        "BYID-HIT",
    )
    assert run.ret == 1, run
    report = valid_report(pytester.path / "out.json")
    store = store_of(report, "unbuilt:Store")
    assert store["verdict"] == "not-built"
    assert store["capabilities"] is None
    assert store["clauses"] == []
    assert "RuntimeError: no database configured" in store["not_built"]
    assert store_of(report, MEMORY_STORE)["verdict"] == "conformant"


def test_a_should_clause_that_fails_makes_the_store_conformant_with_warnings(run_kit, pytester):
    run = run_kit(
        f"--tokenstore={NO_ECHO}", "--tokenstore-report=out.json", "-k", "SAVE-ID-ECHO or SAVE-INSERT"
    )
    assert run.ret == 0, run
    store = valid_report(pytester.path / "out.json")["stores"][0]
    assert store["verdict"] == "conformant-with-warnings"
    echo = next(c for c in store["clauses"] if c["id"] == "SAVE-ID-ECHO")
    assert echo["verdict"] == "warned"
    assert echo["first_failure"]
    strict = run_kit(
        f"--tokenstore={NO_ECHO}",
        "--tokenstore-report=strict.json",
        "--tokenstore-strict",
        "-k",
        "SAVE-ID-ECHO",
    )
    assert strict.ret == 1, strict
    store = valid_report(pytester.path / "strict.json")["stores"][0]
    assert (store["verdict"], clause_verdicts(store)) == ("nonconformant", {"SAVE-ID-ECHO": "failed"})


def test_the_ini_key_writes_the_report_relative_to_the_rootdir(run_kit, pytester):
    pytester.makeini("[pytest]\ntokenstore_report = reports/from-ini.json\n")
    sub = pytester.mkdir("elsewhere")
    sub.joinpath("placeholder").write_text("")
    run = run_kit(f"--tokenstore={MEMORY_STORE}", "-k", "BYID-HIT")
    assert run.ret == 0, run
    assert "(from ini tokenstore_report)" in run.stdout, run
    assert valid_report(pytester.path / "reports" / "from-ini.json")["stores"][0]["verdict"] == "conformant"


def test_a_report_that_cannot_be_written_fails_the_run_with_one_line(run_kit, pytester):
    pytester.mkdir("taken.json")
    run = run_kit(f"--tokenstore={MEMORY_STORE}", "--tokenstore-report=taken.json", "-k", "BYID-HIT")
    assert run.ret == pytest.ExitCode.USAGE_ERROR, run
    lines = [line for line in run.stdout.splitlines() if "could not write the JSON report" in line]
    assert len(lines) == 1, run
    assert "taken.json" in lines[0]
    assert json.dumps(sorted(p.name for p in pytester.path.iterdir() if p.name.endswith(".tmp"))) == "[]"
