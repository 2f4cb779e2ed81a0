"""How the plugin behaves on the command line: bad SPECs, the empty-store guard, hangs, options."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

LIST_STORE = "tokenstore_conformance.reference_stores.list_store:ListTokenStore"

BAD_STORES = """
import time
from tokenstore_conformance.reference_stores.list_store import ListTokenStore

class NotAStore:
    pass

class Incomplete(ListTokenStore.__mro__[1]):
    def find_token(self, token):
        return None

class WrittenForAnOlderSDK(ListTokenStore.__mro__[1]):
    # The five methods of the SDK's interface before find_token_by_id.
    def find_token(self, token):
        return None
    def save_token(self, token):
        pass
    def delete_token(self, id):
        pass
    def get_tokens(self):
        return []
    def delete_tokens(self):
        pass

class Exploding(ListTokenStore):
    def __init__(self):
        raise RuntimeError("database password missing")

class SlowToBuild(ListTokenStore):
    def __init__(self):
        time.sleep(60)

def returns_a_string():
    return "not a store"

CONNECTION_STRING = "sqlite:///tokens.db"

def yields_nothing():
    return
    yield

def needs_a_url(url, tmp_path):
    return ListTokenStore()
"""


def _one_line_error(run, *fragments: str) -> None:
    errors = [line for line in run.stderr.splitlines() if line.startswith("ERROR: ")]
    assert run.ret == pytest.ExitCode.USAGE_ERROR, run
    assert len(errors) == 1, run
    for fragment in fragments:
        assert fragment in errors[0], run
    assert "Traceback" not in run.stdout + run.stderr, run


@pytest.mark.parametrize(
    ("spec", "fragments"),
    [
        ("tokenstore_conformance.reference_stores.list_store", ["expected MODULE:ATTRIBUTE"]),
        (":ListTokenStore", ["expected MODULE:ATTRIBUTE"]),
        ("no_such_module:Store", ["no module named 'no_such_module'"]),
        (
            "tokenstore_conformance.reference_stores.list_store:NoSuchStore",
            ["has no attribute 'NoSuchStore'"],
        ),
        ("badstores:NotAStore", ["is not a subclass of TokenStore"]),
        (
            "tokenstore_conformance.reference_stores.list_store:ListTokenStor",
            ["has no attribute 'ListTokenStor'", "did you mean 'ListTokenStore'?"],
        ),
        ("badstores:nothing_like_this", ["it defines Exploding, Incomplete", "returns_a_string"]),
        (
            "tokenstore_conformance/reference_stores/list_store.py:ListTokenStore",
            [
                "is a file path",
                "--tokenstore=tokenstore_conformance.reference_stores.list_store:ListTokenStore",
            ],
        ),
        ("badstores:needs_a_url", ["needs_a_url() needs 'url'", "the kit passes only tmp_path"]),
        ("badstores:CONNECTION_STRING", ["is a str, neither a TokenStore subclass nor a factory"]),
        ("brokenimport:Store", ["importing 'brokenimport' raised ZeroDivisionError"]),
        ("needsdep:Store", ["importing 'needsdep' failed", "no_such_dependency"]),
    ],
)
def test_a_bad_spec_ends_the_run_with_one_line(run_kit, pytester, spec, fragments):
    pytester.makepyfile(
        badstores=BAD_STORES, brokenimport="1 / 0", needsdep="import no_such_dependency\nStore = None"
    )
    run = run_kit(f"--tokenstore={spec}")
    _one_line_error(run, *fragments)


def _not_built(run, pytester, spec: str, *fragments: str) -> None:
    """A store that imports but cannot be built: its not-built row, the reason, the report, exit 1."""
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert set(run.verdicts().values()) == {"not built"}, run
    reason = next(line for line in run.stdout.splitlines() if line.startswith(f"{spec}: not built: "))
    for fragment in fragments:
        assert fragment in reason, run
    assert "Traceback" not in run.stdout + run.stderr, run
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    assert [(s["spec"], s["verdict"]) for s in report["stores"]] == [(spec, "not-built")]


@pytest.mark.parametrize(
    ("spec", "fragments"),
    [
        ("badstores:Incomplete", ["does not implement", "save_token"]),
        (
            "badstores:WrittenForAnOlderSDK",
            ["does not implement find_token_by_id", "older TokenStore interface"],
        ),
        ("badstores:Exploding", ["raised RuntimeError: database password missing"]),
        ("badstores:returns_a_string", ["returned str, not a TokenStore"]),
        ("badstores:yields_nothing", ["returned without yielding a store"]),
    ],
)
def test_a_store_that_cannot_be_built_alone_gets_its_row_report_and_exit_1(
    run_kit, pytester, spec, fragments
):
    pytester.makepyfile(badstores=BAD_STORES)
    run = run_kit(f"--tokenstore={spec}", "--tokenstore-report=report.json")
    _not_built(run, pytester, spec, *fragments)


def test_a_constructor_that_hangs_is_stopped_with_one_line(run_kit, pytester):
    pytester.makepyfile(badstores=BAD_STORES)
    spec = "badstores:SlowToBuild"
    run = run_kit(
        f"--tokenstore={spec}", "--tokenstore-timeout=1", "--tokenstore-report=report.json", timeout=30
    )
    _not_built(run, pytester, spec, "did not finish within 1s")


def test_a_method_that_hangs_fails_its_tests_and_the_run_goes_on(run_kit, pytester):
    pytester.makepyfile(
        hangs="""
import time
from tokenstore_conformance.reference_stores.list_store import ListTokenStore

class Store(ListTokenStore):
    def find_token_by_id(self, id):
        time.sleep(60)
"""
    )
    run = run_kit(
        "--tokenstore=hangs:Store", "--tokenstore-timeout=0.5", "-k", "by_id or every_record", timeout=120
    )
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert "find_token_by_id() did not return within 0.5s" in run.stdout, run
    assert "BYID-HIT" in run.failed_clauses(), run
    assert run.verdicts()["GET-ALL"] == "passed", run


GENERATOR_FACTORY = """
import json
from pathlib import Path

from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore

LOG = Path(__file__).with_name("teardowns.log")


def store(tmp_path):
    db = tmp_path / "tokens.db"
    built = SQLiteTokenStore(db)
    yield built
    # The kit has already deleted what the test wrote: record what the teardown saw.
    with LOG.open("a") as log:
        log.write(json.dumps([str(db), len(built.get_tokens())]) + "\\n")
"""


def test_a_generator_factory_is_torn_down_after_each_test(run_kit, pytester):
    pytester.makepyfile(genstore=GENERATOR_FACTORY)
    run = run_kit("--tokenstore=genstore:store", "-k", "test_save or INSTANCE or instance")
    assert run.ret == 0, run
    seen = [json.loads(line) for line in (pytester.path / "teardowns.log").read_text().splitlines()]
    built = int(re.search(r"(\d+) passed", run.stdout)[1])
    # One teardown per store built (the guard's, and at least one per test), each after the cleanup.
    assert len(seen) > built, run
    assert all(held == 0 for _, held in seen), seen


def _file_store_with_one_token(pytester) -> None:
    from tokenstore_conformance.records import make_token
    from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore

    store = SQLiteTokenStore(pytester.path / "zohooauth.db")
    store.save_token(make_token(user_name="production@example.test", access_token="keep-me", id="prod-1"))


def _tokens_in(pytester) -> list:
    with sqlite3.connect(pytester.path / "zohooauth.db") as connection:
        return connection.execute("SELECT id, access_token FROM oauthtoken").fetchall()


def test_a_store_that_already_holds_tokens_is_refused_and_left_alone(run_kit, pytester):
    _file_store_with_one_token(pytester)
    run = run_kit("--tokenstore=tokenstore_conformance.reference_stores.sqlite_store:SQLiteTokenStore")
    _one_line_error(run, "already holds 1 token(s)", "--tokenstore-allow-existing")
    assert _tokens_in(pytester) == [("prod-1", "keep-me")]


def test_allow_existing_runs_against_a_used_store_and_deletes_its_tokens(run_kit, pytester):
    _file_store_with_one_token(pytester)
    run = run_kit(
        "--tokenstore=tokenstore_conformance.reference_stores.sqlite_store:SQLiteTokenStore",
        "--tokenstore-allow-existing",
    )
    assert run.ret == 0, run
    assert _tokens_in(pytester) == []


def test_a_persistent_store_is_left_empty_after_the_run(run_kit, pytester):
    run = run_kit(
        "--tokenstore=tokenstore_conformance.reference_stores.sqlite_store:SQLiteTokenStore", "-k", "save"
    )
    assert run.ret == 0, run
    assert _tokens_in(pytester) == []


def test_without_a_store_the_plugin_changes_nothing(run_kit, pytester):
    pytester.makepyfile(
        test_mine="""
import sys

def test_kit_stays_out_of_the_way():
    assert "zohocrmsdk" not in sys.modules
    assert "tokenstore_conformance.harness.session" not in sys.modules
"""
    )
    run = run_kit("-v")
    assert run.ret == 0, run
    assert "1 passed" in run.stdout
    # Only the header's hint on how to name a store; no contract, no table.
    assert [line for line in run.stdout.splitlines() if line.startswith("tokenstore")] == [NO_STORE], run
    assert "TokenStore contract by clause" not in run.stdout


def test_header_names_store_sdk_and_kit_versions(run_kit):
    from importlib.metadata import version

    run = run_kit(f"--tokenstore={LIST_STORE}", "-k", "insert")
    assert run.ret == 0, run
    assert f"tokenstore: {LIST_STORE} (from --tokenstore)" in run.stdout
    assert (
        "; from the default), seed 0 (fixed: every run tests the same sequences; from the default)"
        in run.stdout
    )
    assert "tokenstore timeout: 10s per store call (from the default)" in run.stdout
    assert f"zohocrmsdk8-0 {version('zohocrmsdk8-0')}" in run.stdout
    assert f"tokenstore-conformance {version('tokenstore-conformance')}" in run.stdout


def test_a_failure_names_the_violated_clause(run_kit, pytester):
    pytester.makepyfile(
        dupes='''
from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.reference_stores.records import row_from_token, new_id

class Store(ListTokenStore):
    """Inserts on every save: the classic duplicate-on-upsert bug."""
    def save_token(self, token):
        if token.get_id() is None:
            token.set_id(new_id())
        self._rows.append(row_from_token(token))
'''
    )
    run = run_kit("--tokenstore=dupes:Store", "-k", "upsert_user or new_login")
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert "store dupes:Store violates SAVE-UPSERT-USER (MUST)" in run.stdout, run
    assert run.failed_clauses() == {"SAVE-UPSERT-USER"}, run


@pytest.mark.parametrize(("source", "shown"), [("env", "TOKENSTORE"), ("ini", "ini tokenstore")])
def test_the_store_can_come_from_the_environment_or_the_ini_file(
    run_kit, pytester, monkeypatch, source, shown
):
    if source == "env":
        monkeypatch.setenv("TOKENSTORE", LIST_STORE)
    else:
        pytester.makeini(f"[pytest]\ntokenstore = {LIST_STORE}\n")
    run = run_kit("-k", "insert", "--tokenstore-profile=thorough", "--tokenstore-seed=3")
    assert run.ret == 0, run
    assert f"tokenstore: {LIST_STORE} (from {shown})" in run.stdout
    assert (
        "; from --tokenstore-profile), seed 3 (fixed: every run tests the same sequences; from --tokenstore-seed)"
        in run.stdout
    )
    assert run.verdicts()["SAVE-INSERT"] == "passed", run


def test_the_user_tests_and_the_contract_run_together(run_kit, pytester):
    pytester.makepyfile(test_mine="def test_mine():\n    assert True\n")
    run = run_kit("test_mine.py", f"--tokenstore={LIST_STORE}", "-k", "mine or SAVE-INSERT", "-v")
    assert run.ret == 0, run
    assert "test_mine.py::test_mine PASSED" in run.stdout, run
    # The user's test and the two tests of SAVE-INSERT, selected by their clause id.
    assert run.result.parseoutcomes()["passed"] == 3, run
    assert run.verdicts()["SAVE-INSERT"] == "passed", run


MEMORY_STORE = "tokenstore_conformance.reference_stores.memory_store:InMemoryTokenStore"


@pytest.mark.parametrize(
    ("form", "shown"),
    [
        ("repeated", "--tokenstore"),
        ("one value", "--tokenstore"),
        ("environment", "TOKENSTORE"),
        ("ini, one line", "ini tokenstore"),
        ("ini, one per line", "ini tokenstore"),
    ],
)
def test_every_documented_way_to_name_two_stores_runs_both(run_kit, pytester, monkeypatch, form, shown):
    args = []
    if form == "repeated":
        args = [f"--tokenstore={LIST_STORE}", f"--tokenstore={MEMORY_STORE}"]
    elif form == "one value":
        args = ["--tokenstore", f"{LIST_STORE} {MEMORY_STORE}"]
    elif form == "environment":
        monkeypatch.setenv("TOKENSTORE", f"{LIST_STORE} {MEMORY_STORE}")
    elif form == "ini, one line":
        pytester.makeini(f"[pytest]\ntokenstore = {LIST_STORE} {MEMORY_STORE}\n")
    else:
        pytester.makeini(f"[pytest]\ntokenstore =\n    {LIST_STORE}\n    {MEMORY_STORE}\n")
    run = run_kit(*args, "-k", "insert")
    assert run.ret == 0, run
    assert f"tokenstore: {LIST_STORE}, {MEMORY_STORE} (from {shown})" in run.stdout, run
    assert run.verdicts(0)["SAVE-INSERT"] == "passed", run
    assert run.verdicts(1)["SAVE-INSERT"] == "passed", run


def test_the_contract_runs_whatever_the_user_python_files_pattern(run_kit, pytester):
    pytester.makeini("[pytest]\npython_files = check_*.py\n")
    run = run_kit(f"--tokenstore={LIST_STORE}", "-k", "insert")
    assert run.ret == 0, run
    assert run.verdicts()["SAVE-INSERT"] == "passed", run


def test_the_clause_table_is_complete_under_xdist(run_kit):
    run = run_kit(f"--tokenstore={LIST_STORE}", "-n", "2", "-k", "insert or ranking")
    assert run.ret == 0, run
    assert run.verdicts()["SAVE-INSERT"] == "passed", run
    assert run.verdicts()["SAVE-PRECEDENCE"] == "passed", run


def test_one_contract_test_can_be_run_by_its_node_id(run_kit):
    import tokenstore_conformance.contract as contract

    test_file = f"{contract.__path__[0]}/test_get.py"
    run = run_kit(f"{test_file}::test_an_empty_store_returns_an_empty_list", f"--tokenstore={LIST_STORE}")
    assert run.ret == 0, run
    assert run.result.parseoutcomes() == {"passed": 1}, run
    assert run.verdicts()["GET-EMPTY"] == "passed", run


FIXED_FILE_STORE = """
import sqlite3
from correct_stores.sqlite_single_connection import SQLiteStore


class Store(SQLiteStore):
    \"\"\"The SDK guide's sample: one fixed file, and a table check that fails for an empty table.\"\"\"

    tokenstore_persistent = True

    def __init__(self):
        self.database = "sample_tokens.db"
        self.db = self._connect()
        try:
            exists = self.db.execute("SELECT id FROM oauthtoken LIMIT 1").fetchone() is not None
        except sqlite3.OperationalError:
            exists = False
        if not exists:
            with self.db:
                self.db.execute(self.schema[0].replace(" IF NOT EXISTS", ""))
"""


def test_a_store_that_cannot_reopen_its_storage_is_one_root_fault(run_kit, pytester):
    pytester.makepyfile(samplestore=FIXED_FILE_STORE)
    run = run_kit("--tokenstore=samplestore:Store", "-k", "not test_lifecycle and not test_sdk_flow")
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert run.failed_clauses() == {"INSTANCE-REOPEN"}, run
    blocked = run.clauses_with("blocked")
    assert {"SAVE-INSERT", "FIND-BY-USER", "GET-ALL"} <= blocked, run
    assert " error" not in run.stdout.splitlines()[-1], run
    assert "1 root fault (INSTANCE-REOPEN)" in run.stdout, run


def test_a_store_that_cannot_be_built_is_one_not_built_column(run_kit, pytester):
    pytester.makepyfile(badstores=BAD_STORES)
    run = run_kit("--tokenstore=badstores:Exploding", f"--tokenstore={LIST_STORE}", "-k", "insert")
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert "[2] badstores:Exploding" in run.stdout, run
    assert set(run.verdicts(1).values()) == {"not built"}, run
    assert run.verdicts(0)["SAVE-INSERT"] == "passed", run
    assert (
        "badstores:Exploding: not built: building store 'badstores:Exploding' raised RuntimeError"
        in run.stdout
    )


def test_a_should_clause_warns_unless_strict(run_kit, monkeypatch):
    spec = "--tokenstore=broken_stores.update_does_not_echo_id:Store"
    run = run_kit(spec, "-k", "hands_back")
    assert run.ret == pytest.ExitCode.OK, run
    assert run.verdicts()["SAVE-ID-ECHO"] == "warned", run
    assert "ShouldClauseWarning: SAVE-ID-ECHO (SHOULD)" in run.stdout, run
    strict = run_kit(spec, "-k", "hands_back", "--tokenstore-strict")
    assert strict.ret == pytest.ExitCode.TESTS_FAILED, strict
    assert strict.verdicts()["SAVE-ID-ECHO"] == "failed", strict
    assert "SHOULD clauses fail (from --tokenstore-strict)" in strict.stdout, strict
    monkeypatch.setenv("TOKENSTORE_STRICT", "1")
    from_env = run_kit(spec, "-k", "hands_back")
    assert from_env.ret == pytest.ExitCode.TESTS_FAILED, from_env
    assert "SHOULD clauses fail (from TOKENSTORE_STRICT)" in from_env.stdout, from_env


NO_STORE = (
    "tokenstore: no store named, so the TokenStore contract does not run; name one with "
    "--tokenstore=MODULE:ATTR (or ini 'tokenstore', or env TOKENSTORE)"
)


def test_a_plain_run_without_a_store_says_how_to_name_one(run_kit, pytester):
    run = run_kit()
    assert run.ret == pytest.ExitCode.NO_TESTS_COLLECTED, run
    assert run.stdout.count(NO_STORE) == 1, run
    # The user's own tests run as they would without the kit, and the hint does not change the outcome.
    pytester.makepyfile(test_mine="def test_mine():\n    assert True\n")
    run = run_kit()
    assert run.ret == pytest.ExitCode.OK, run
    assert run.result.parseoutcomes() == {"passed": 1}, run
    assert run.stdout.count(NO_STORE) == 1, run
    assert NO_STORE not in run_kit(f"--tokenstore={LIST_STORE}", "-k", "SAVE-INSERT").stdout
