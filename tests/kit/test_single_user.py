"""A store declared single-user: the clauses that need several users at once are not applicable, the rest run."""

from __future__ import annotations

from support.reports import clause_verdicts, store_of, valid_report

from tokenstore_conformance.harness.clauses import CLAUSES

SINGLE = "correct_stores.single_slot:Store"
MULTI = "correct_stores.locked:Store"
# Every test of these needs two or more records at once.
MULTI_USER = {
    "SAVE-ID-UNIQUE",
    "SAVE-PRECEDENCE",
    "SAVE-USER-ISOLATION",
    "SAVE-USER-ONLY",
    "CAPACITY",
    "SCALE",
    "FLOW-USERS",
    "CONC-THREADS-DISTINCT",
    "CONC-THREADS-READ",
}
# Not applicable to both stores for their other declarations: neither is persistent nor "processes".
NOT_PERSISTENT = {"INSTANCE-PERSIST", "INSTANCE-REOPEN", "FLOW-PERSIST"}
NOT_PROCESSES = {c for c in CLAUSES if c.startswith("CONC-PROC-")} | {
    "CRASH-DURABLE",
    "FLOW-CONCURRENT-REFRESH",
}
# Clauses that keep a single-user part, or are about one user throughout: they must run and pass.
ONE_USER = {
    "SAVE-INSERT",
    "FIND-BY-ID",
    "FIND-BY-USER",
    "FIND-BY-ACCESS",
    "FIND-BY-GRANT",
    "FIND-BY-REFRESH",
    "FIND-USER-ONLY",
    "FIND-PRECEDENCE",
    "DELETE-ONE",
    "GET-ALL",
    "KEY-NONE",
    "USER-NAME-EXACT",
    "READ-AFTER-WRITE",
    "LIFECYCLE",
    "FLOW-LOGIN",
    "FLOW-RESTART",
    "FLOW-EXPIRY",
    "FLOW-REMOVE",
    "FLOW-REVOKE",
    "FLOW-DC",
    "CONC-THREADS-SAME-USER",
    "SAVE-SECOND-USER",
}

SINGLE_USER_SQLITE = """
from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore


def make_store(tmp_path):
    store = SQLiteTokenStore(tmp_path / "zohooauth.db")
    store.tokenstore_single_user = True  # declared on the instance
    return store
"""


def test_a_single_user_store_runs_the_one_user_clauses_and_skips_the_rest(run_kit, pytester):
    run = run_kit(
        f"--tokenstore={SINGLE}",
        f"--tokenstore={MULTI}",
        "--tokenstore-report=out.json",
        "-rs",
        "-k",
        "not test_lookups_and_updates_cost",
    )
    assert run.ret == 0, run
    assert (
        f"tokenstore {SINGLE} declares persistent: no, concurrency: 'threads', single user: yes" in run.stdout
    )
    assert (
        f"tokenstore {MULTI} declares persistent: no, concurrency: 'threads', single user: no" in run.stdout
    )
    assert (
        "the store declares tokenstore_single_user = True: this test needs several users at once"
        in run.stdout
    )
    assert (
        "the store declares tokenstore_single_user = True; CONC-THREADS-DISTINCT needs several users"
        in run.stdout
    )

    single, multi = run.verdicts(0), run.verdicts(1)
    # SCALE was left out of the run: it measures speed.
    assert run.clauses_with("not applicable", 0) == MULTI_USER - {"SCALE"} | NOT_PERSISTENT | NOT_PROCESSES
    assert {cid: single[cid] for cid in ONE_USER} == dict.fromkeys(ONE_USER, "passed")
    assert set(single) == set(CLAUSES) - {"SCALE"}
    assert run.clauses_with("passed", 0) == set(single) - run.clauses_with("not applicable", 0)
    # The control: a store not declared single-user runs the multi-user clauses, and not the new one.
    assert run.clauses_with("not applicable", 1) == NOT_PERSISTENT | NOT_PROCESSES | {"SAVE-SECOND-USER"}
    assert {cid: multi[cid] for cid in MULTI_USER - {"SCALE"}} == dict.fromkeys(
        MULTI_USER - {"SCALE"}, "passed"
    )

    report = valid_report(pytester.path / "out.json")
    assert store_of(report, SINGLE)["capabilities"] == {
        "persistent": False,
        "concurrency": "threads",
        "single_user": True,
    }
    assert store_of(report, MULTI)["capabilities"]["single_user"] is False
    assert clause_verdicts(store_of(report, SINGLE))["SAVE-PRECEDENCE"] == "not-applicable"


def test_a_single_user_store_over_processes_is_emptied_between_the_same_user_rounds(run_kit, pytester):
    """CONC-PROC-SAME-USER saves a new user in every round: a single-user store is read and emptied after each."""
    pytester.makepyfile(single_user_sqlite=SINGLE_USER_SQLITE)
    spec = "single_user_sqlite:make_store"
    run = run_kit(f"--tokenstore={spec}", "-k", "test_concurrency")
    assert run.ret == 0, run
    assert (
        f"tokenstore {spec} declares persistent: yes, concurrency: 'processes', single user: yes"
        in run.stdout
    )
    verdicts = run.verdicts()
    assert (verdicts["CONC-THREADS-SAME-USER"], verdicts["CONC-PROC-SAME-USER"]) == ("passed", "passed")
    assert run.clauses_with("not applicable") == {
        "CONC-THREADS-DISTINCT",
        "CONC-THREADS-READ",
        "CONC-PROC-DISTINCT",
        "CONC-PROC-READ",
        "CONC-PROC-UPDATE",
        "CONC-PROC-VISIBLE",
        "CRASH-DURABLE",
        "FLOW-CONCURRENT-REFRESH",
    }


def test_the_certify_verdict_line_says_the_store_is_single_user():
    from tokenstore_conformance.runner.certify import verdict_line

    levels = {"MUST": {"total": 3, "passed": 2, "unexpected-pass": 0, "not-applicable": 1}}
    store = {"verdict": "conformant", "levels": levels, "capabilities": {"single_user": True}}
    document = {"kit": {"name": "kit", "version": "1"}, "sdk": {"distribution": "sdk", "version": "2"}}
    assert verdict_line(document, store) == (
        "conformant: 2/2 MUST (1 not applicable), kit 1, sdk 2, "
        "declared single-user (the clauses that need several users do not apply)"
    )
    store["capabilities"]["single_user"] = False
    assert verdict_line(document, store) == "conformant: 2/2 MUST (1 not applicable), kit 1, sdk 2"
