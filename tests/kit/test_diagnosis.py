"""Diagnosis: the boundary's checks, how blocked verdicts resolve, and a fault that stops whole engines."""

from __future__ import annotations

import pytest

from tokenstore_conformance.harness.verdicts import BLOCKED, FAILED, PASSED, WARNED, Verdicts
from tokenstore_conformance.records import make_token, save_user
from tokenstore_conformance.records.preconditions import PreconditionFailed
from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.sdk import SDKException
from tokenstore_conformance.target.boundary import checked_return, owned_exception, shape_fault
from tokenstore_conformance.target.timeouts import TimedStore

SPEC = "store:Store"


def _verdicts(*tests: tuple[str, str, tuple[str, ...]]) -> Verdicts:
    """Verdicts from (clause, verdict, blocked by) triples, one test each."""
    verdicts = Verdicts()
    for n, (clause_id, verdict, blockers) in enumerate(tests):
        verdicts.record(clause_id, SPEC, f"test_{n}", verdict, message="m")
        for blocker in blockers:
            verdicts.block(clause_id, SPEC, blocker)
    return verdicts


def test_a_clause_blocked_by_a_failing_one_is_blocked_and_waits_for_it_alone():
    verdicts = _verdicts(
        ("GET-EMPTY", FAILED, ()), ("GET-ALL", PASSED, ()), ("DELETE-ONE", BLOCKED, ("GET-EMPTY", "GET-ALL"))
    )
    assert verdicts.verdict("DELETE-ONE", SPEC) == BLOCKED
    assert verdicts.blockers("DELETE-ONE", SPEC) == ["GET-EMPTY"]
    assert verdicts.roots(SPEC, ["GET-EMPTY", "GET-ALL", "DELETE-ONE"]) == ["GET-EMPTY"]


def test_a_clause_blocked_only_by_clauses_that_pass_fails_itself():
    verdicts = _verdicts(("GET-ALL", PASSED, ()), ("DELETE-ONE", BLOCKED, ("GET-ALL",)))
    assert verdicts.verdict("DELETE-ONE", SPEC) == FAILED


def test_two_clauses_blocked_only_by_each_other_both_fail():
    verdicts = _verdicts(("BYID-MISS", BLOCKED, ("DELETE-ONE",)), ("DELETE-ONE", BLOCKED, ("BYID-MISS",)))
    assert verdicts.verdict("BYID-MISS", SPEC) == FAILED
    assert verdicts.verdict("DELETE-ONE", SPEC) == FAILED


def test_a_should_clause_whose_blockers_pass_is_a_warning_unless_strict():
    verdicts = _verdicts(("FIND-BY-USER", PASSED, ()), ("SCALE", BLOCKED, ("FIND-BY-USER",)))
    assert verdicts.verdict("SCALE", SPEC) == FAILED
    verdicts.warn_only = frozenset({"SCALE"})
    assert verdicts.verdict("SCALE", SPEC) == WARNED


def test_the_fix_order_puts_the_foundation_first():
    verdicts = _verdicts(("SAVE-COPY", FAILED, ()), ("GET-ALL", FAILED, ()), ("INSTANCE-REOPEN", FAILED, ()))
    assert verdicts.roots(SPEC, ["SAVE-COPY", "GET-ALL", "INSTANCE-REOPEN"]) == [
        "INSTANCE-REOPEN",
        "GET-ALL",
        "SAVE-COPY",
    ]


@pytest.mark.parametrize(
    ("method", "args", "result", "fragment"),
    [
        ("get_tokens", (), None, "a NoneType (None), not a list"),
        ("get_tokens", (), {}.values(), "not a list"),
        ("get_tokens", (), [None], "a list holding a NoneType"),
        ("get_tokens", (), [make_token(access_token="a")], "id is None"),
        ("find_token_by_id", ("7",), {"id": "7"}, "a dict"),
        (
            "find_token_by_id",
            ("7",),
            make_token(id="8", access_token="a"),
            "with id '8', not the one asked for",
        ),
        ("find_token", (make_token(user_name="u@x.test"),), "1000.access", "a str"),
    ],
)
def test_the_boundary_names_what_is_wrong_with_a_return_value(method, args, result, fragment):
    assert fragment in shape_fault(method, args, result)
    with pytest.raises(PreconditionFailed):
        checked_return(method, args, result)


def test_a_token_listed_twice_and_two_records_under_one_id_are_different_faults():
    token = make_token(id="1", access_token="a")
    assert "same OAuthToken object twice" in shape_fault("get_tokens", (), [token, token])
    with pytest.raises(PreconditionFailed) as caught:
        shape_fault("get_tokens", (), [token, make_token(id="1", access_token="b")])
    assert caught.value.owners == ("SAVE-ID-UNIQUE",)


def test_values_of_the_right_shape_pass_the_boundary():
    token = make_token(id="7", access_token="a")
    assert shape_fault("get_tokens", (), [token]) is None
    assert shape_fault("find_token_by_id", ("7",), token) is None
    assert shape_fault("find_token", (token,), None) is None


def test_an_exception_is_owned_by_the_methods_clauses_and_delete_token_may_raise_sdk_exception():
    owned = owned_exception("get_tokens", (), KeyError("x"))
    assert isinstance(owned, PreconditionFailed)
    assert owned.owners == ("GET-EMPTY", "GET-ALL")
    allowed = SDKException("TOKEN_STORE", "unknown id")
    assert owned_exception("delete_token", ("no-such-id",), allowed) is allowed


def test_a_new_token_left_without_a_string_id_is_save_id_assigns_fault():
    class NoIds(ListTokenStore):
        def save_token(self, token):
            super().save_token(token)
            token.set_id(None)

    with pytest.raises(PreconditionFailed) as caught:
        save_user(TimedStore(NoIds(), 0), 1)
    assert caught.value.owners == ("SAVE-ID-ASSIGN",)


REOPEN_FAILS = """
from pathlib import Path
from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore

class Store(SQLiteTokenStore):
    tokenstore_persistent = True
    tokenstore_concurrency = "threads"

    def __init__(self, database):
        marker = Path(str(database) + ".opened")
        if marker.exists():
            raise RuntimeError("the database is already open")
        marker.touch()
        super().__init__(database)

def make_store(tmp_path):
    return Store(tmp_path / "tokens.db")
"""


def test_engines_stopped_by_a_store_that_cannot_reopen_its_storage_are_blocked_by_instance_reopen(
    run_kit, pytester
):
    pytester.makepyfile(reopen_fails=REOPEN_FAILS)
    run = run_kit(
        "--tokenstore=reopen_fails:make_store",
        "-k",
        "REOPEN or test_lifecycle or CONC-THREADS-DISTINCT",
        "--tb=short",
    )
    verdicts = run.verdicts()
    assert verdicts["INSTANCE-REOPEN"] == "failed", run
    assert verdicts["LIFECYCLE"] == "blocked", run
    assert verdicts["CONC-THREADS-DISTINCT"] == "blocked", run
    assert "1 root fault (INSTANCE-REOPEN)" in run.stdout, run
    assert run.kit_frame_errors() == []
