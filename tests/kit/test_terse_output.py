"""Terse output: under -q, the failing clauses and one line per kind of fault instead of every traceback.

The child runs use stores written into the run's own directory, so the store
file, the JSON report and a user's own test all sit under the working
directory, and every path the kit prints for them must be relative.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tokenstore_conformance.harness.failure_groups import MESSAGE_LIMIT, kind_of, normalise, safe_str
from tokenstore_conformance.harness.paths import shown_path, shown_test
from tokenstore_conformance.sdk import OAuthToken, SDKException
from tokenstore_conformance.target.timeouts import TimedStore

# get_tokens raises once the store holds a token: the empty-store guard passes, GET-ALL fails.
ONE_BUG = """
from tokenstore_conformance.reference_stores.list_store import ListTokenStore
from tokenstore_conformance.sdk import SDKException


class Store(ListTokenStore):
    def get_tokens(self):
        if self._rows:
            raise SDKException("TOKEN_STORE", f"cannot list the rows of table {id(self):#x}")
        return super().get_tokens()
"""
# The same, and find_token raises KeyError on a miss: a second fault, a second group.
TWO_BUGS = (
    ONE_BUG
    + """
    def find_token(self, token):
        found = super().find_token(token)
        if found is None:
            raise KeyError("no token for this user")
        return found
"""
)
MY_TEST = "def test_mine():\n    assert 1 == 2\n"
GROUP_LINE = re.compile(r"^(?P<count>\d+) failures?: (?P<label>.+) \(first: (?P<first>\S+)\)$")
# Before terse output, the one-bug store's -q run printed 294 lines; terse prints about 30.
MOST_TERSE_LINES = 60


def _groups(stdout: str) -> list[re.Match[str]]:
    return [m for line in stdout.splitlines() if (m := GROUP_LINE.match(line))]


def _junit_failures(path: Path) -> list[str]:
    """The message of every failed or erroring test phase in a junit file."""
    root = ET.parse(path).getroot()
    return [
        child.get("message", "")
        for case in root.iter("testcase")
        for child in case
        if child.tag in ("failure", "error")
    ]


def _one_bug_run(run_kit, pytester: pytest.Pytester):
    pytester.makepyfile(store=ONE_BUG)
    pytester.mkdir("checks").joinpath("test_mine.py").write_text(MY_TEST)
    return run_kit(
        "--tokenstore=store:Store",
        "-q",
        "--junitxml=out.xml",
        "--tokenstore-report=out.json",
        "checks/test_mine.py",
    )


@pytest.mark.quick
def test_one_bug_under_q_prints_the_table_and_one_line_per_kind_of_fault(run_kit, pytester):
    run = _one_bug_run(run_kit, pytester)
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    lines = run.stdout.splitlines()
    assert len(lines) <= MOST_TERSE_LINES, run
    # No per-test sections, no "FAILED ..." lines: the groups say it.
    assert "= FAILURES =" not in run.stdout, run
    assert "short test summary info" not in run.stdout, run
    assert not [line for line in lines if line.startswith(("E   ", "Traceback"))], run
    # Only the clauses to act on: GET-ALL first (the root fault), none of the passed ones.
    verdicts = run.verdicts()
    assert next(iter(verdicts)) == "GET-ALL", run
    assert "passed" not in verdicts.values(), run
    assert "blocked by GET-ALL: " in run.stdout, run
    assert "root fault" in run.stdout, run
    groups = _groups(run.stdout)
    failures = _junit_failures(pytester.path / "out.xml")
    assert sum(int(g["count"]) for g in groups) == len(failures), run
    (from_store,) = [g for g in groups if "SDKException from get_tokens" in g["label"]]
    raised = [m for m in failures if "get_tokens() raised SDKException" in m]
    assert int(from_store["count"]) == len(raised) >= 2, run
    # Where the store raised it, relative to the working directory; the address is normalised.
    assert "SDKException from get_tokens at store.py:" in from_store["label"], run
    assert "0x" not in from_store["label"], run
    # The user's own test beside the contract: its node id from the working directory, not the rootdir.
    (mine,) = [g for g in groups if g["first"].startswith("checks/")]
    assert mine["first"] == "checks/test_mine.py::test_mine", run
    assert mine["count"] == "1", run
    assert "tokenstore: JSON report written to out.json" in run.stdout, run
    assert str(pytester.path) not in run.stdout, run


def test_two_bugs_give_two_groups_from_the_store(run_kit, pytester):
    pytester.makepyfile(store=TWO_BUGS)
    run = run_kit("--tokenstore=store:Store", "-q")
    labels = [g["label"] for g in _groups(run.stdout)]
    from_store = sorted(label.split(" at ", 1)[0] for label in labels if " from " in label)
    assert from_store == ["KeyError from find_token", "SDKException from get_tokens"], run
    assert len(run.stdout.splitlines()) <= MOST_TERSE_LINES, run


@pytest.mark.parametrize("options", [("-q", "-v"), ("-q", "--tokenstore-output=full")], ids=["-q -v", "full"])
def test_verbose_or_full_gives_the_long_form(run_kit, pytester, options):
    pytester.makepyfile(store=ONE_BUG)
    run = run_kit(
        "--tokenstore=store:Store", *options, "--tokenstore-report=out.json", "-k", "test_get or test_save"
    )
    assert "= FAILURES =" in run.stdout, run
    assert "tokenstore: JSON report written to out.json" in run.stdout, run
    assert "short test summary info" in run.stdout, run
    assert "passed" in run.verdicts().values(), run
    assert _groups(run.stdout) == [], run


def test_an_explicit_tb_under_q_keeps_pytests_report(run_kit, pytester):
    """--tb chooses pytest's failure output, so the kit leaves it, and the whole table, as they are."""
    pytester.makepyfile(store=ONE_BUG)
    run = run_kit(
        "--tokenstore=store:Store",
        "-q",
        "--tb=short",
        "--tokenstore-expect-write=known.txt",
        "-k",
        "test_get",
    )
    assert "= FAILURES =" in run.stdout, run
    assert "tokenstore: failing clauses written to known.txt" in run.stdout, run
    assert "passed" in run.verdicts().values(), run


# The grouping function, on what a store may raise.


class StrRaises(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no text")


class Interrupt(BaseException):
    pass


class NoAttributes(Exception):
    def __setattr__(self, name: str, value: object) -> None:
        raise TypeError("frozen")


def test_an_exception_whose_str_raises_still_has_a_kind():
    kind = kind_of(StrRaises())
    assert kind.label == "StrRaises: <str() raised RuntimeError>"
    assert safe_str(StrRaises()) == "<str() raised RuntimeError>"


def test_an_empty_message_is_the_type_alone():
    assert kind_of(ValueError()).label == "ValueError"
    assert kind_of(ValueError("   \n  ")).label == "ValueError"


def test_a_long_message_is_one_line_cut_to_the_limit():
    kind = kind_of(ValueError("x" * 5000 + "\nsecond line"))
    message = kind.label.split(": ", 1)[1]
    assert len(message) == MESSAGE_LIMIT
    assert message.endswith("...")
    assert "\n" not in kind.label


def test_a_base_exception_subclass_has_a_kind():
    assert kind_of(Interrupt("stopped")).label == "Interrupt: stopped"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="ExceptionGroup is built in from Python 3.11")
def test_an_exception_group_is_named_by_its_first_member():
    group = ExceptionGroup("two", [ValueError("bad value 7"), KeyError("k")])  # noqa: F821
    assert kind_of(group).label == "ExceptionGroup of ValueError: bad value N"
    nested = BaseExceptionGroup("outer", [group, Interrupt()])  # noqa: F821
    assert kind_of(nested).label == "BaseExceptionGroup of ValueError: bad value N"


def test_a_cycle_of_causes_ends():
    first, second = ValueError("a"), ValueError("b")
    first.__cause__, second.__cause__ = second, first
    assert kind_of(first).label == "ValueError: a"


def test_volatile_parts_are_normalised_so_equal_faults_group():
    a = kind_of(RuntimeError("table at 0x7ff14d4a4bd0 has 12 rows, id 3f2a9c1e-1111-2222-3333-444455556666"))
    b = kind_of(RuntimeError("table at 0x7ff1aaaa0000 has 7 rows, id 00000000-1111-2222-3333-abcdefabcdef"))
    assert a.key == b.key
    assert a.label == "RuntimeError: table at <address> has N rows, id <id>"
    assert kind_of(RuntimeError("table missing")).key != a.key
    assert normalise("user r0-2 at 1.5s") == "user rN-N at Ns"


def test_an_assertion_groups_by_its_clause_and_first_line():
    one = kind_of(AssertionError("record differs: 1 field\nmore"), ["FIND-BY-ID"])
    other = kind_of(AssertionError("record differs: 2 fields"), ["FIND-BY-USER"])
    assert one.label == "AssertionError in FIND-BY-ID: record differs: N field"
    assert one.key != other.key


class _Raising:
    """A store whose every method raises what it was given."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def get_tokens(self):
        raise self.exc

    def delete_token(self, id):
        raise self.exc

    def find_token(self, token):
        return "not a token"


def test_what_the_store_raised_is_named_with_its_method_and_line():
    timed = TimedStore(_Raising(SDKException("TOKEN_STORE", "down at 0xdeadbeef")), 0)
    with pytest.raises(AssertionError, match="get_tokens") as caught:
        timed.get_tokens()
    kind = kind_of(caught.value, ["GET-ALL"])
    assert kind.label == "SDKException from get_tokens: Caused By: TOKEN_STORE - down at <address>"
    assert kind.origin.startswith(f"{__file__}:")


class _MisusesTheSDK(_Raising):
    def get_tokens(self):
        return [OAuthToken()]  # the SDK raises: OAuthToken needs a grant, refresh or access token, or an id


def test_a_fault_raised_inside_the_sdk_is_placed_at_the_stores_line():
    timed = TimedStore(_MisusesTheSDK(None), 0)
    with pytest.raises(AssertionError, match="get_tokens") as caught:
        timed.get_tokens()
    origin = kind_of(caught.value, ["GET-ALL"]).origin
    line = next(
        n for n, text in enumerate(Path(__file__).read_text().splitlines(), 1) if "[OAuthToken()]" in text
    )
    assert origin == f"{__file__}:{line}"


def test_an_allowed_exception_and_one_that_refuses_attributes_are_named_with_their_method():
    with pytest.raises(SDKException) as allowed:
        TimedStore(_Raising(SDKException("TOKEN_STORE", "no such id")), 0).delete_token("7")
    assert kind_of(allowed.value).label.startswith("SDKException from delete_token: ")
    with pytest.raises(AssertionError, match="NoAttributes") as frozen:
        TimedStore(_Raising(NoAttributes("frozen")), 0).delete_token("7")
    assert kind_of(frozen.value).label == "NoAttributes from delete_token: frozen"


def test_a_wrong_return_value_is_named_with_its_method():
    with pytest.raises(AssertionError) as caught:
        TimedStore(_Raising(ValueError()), 0).find_token(OAuthToken(id="placeholder"))
    assert kind_of(caught.value).label.startswith("wrong return value from find_token: find_token(")


def test_paths_under_the_working_directory_are_relative(tmp_path: Path):
    assert shown_path(tmp_path / "reports" / "out.json", tmp_path) == "reports/out.json"
    assert shown_path(tmp_path.parent / "elsewhere.json", tmp_path) == str(tmp_path.parent / "elsewhere.json")
    nodeid = "tmp/x/checks/test_mine.py::test_mine[a::b]"
    assert (
        shown_test(nodeid, tmp_path / "checks" / "test_mine.py", tmp_path)
        == "checks/test_mine.py::test_mine[a::b]"
    )
    assert (
        shown_test("test_get.py::test_x", Path("/elsewhere/test_get.py"), tmp_path) == "test_get.py::test_x"
    )


def test_a_test_that_fails_in_call_and_in_teardown_counts_once():
    from tokenstore_conformance.harness.terse import KIND, FailureGroups

    noted = (KIND, ("k", "ValueError from save_token", "ValueError from save_token: x", "", "test_a.py"))

    def failed(nodeid: str, when: str) -> pytest.TestReport:
        return pytest.TestReport(
            nodeid, ("test_a.py", 1, nodeid), {}, "failed", "boom", when, user_properties=[noted]
        )

    groups = FailureGroups(settings=None)
    for nodeid, when in [("test_a.py::t1", "call"), ("test_a.py::t1", "teardown"), ("test_a.py::t0", "call")]:
        groups.pytest_runtest_logreport(failed(nodeid, when))
    (line,) = groups.lines(Path.cwd())
    assert line.startswith("2 failures: ValueError from save_token"), line
    assert "(first: test_a.py::t0)" in line, line
