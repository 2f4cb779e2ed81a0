"""The known-failures file: written from a run, read back so the run passes, and only ever shrinking."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.reports import clause_verdicts, valid_report

from tokenstore_conformance.harness.expect import COMMENT_LIMIT, ExpectError, read_expect

BYID_RAISES = "broken_stores.byid_raises_on_miss:Store"
FIND_RAISES = "broken_stores.find_raises_on_miss:Store"
LIST_STORE = "tokenstore_conformance.reference_stores.list_store:ListTokenStore"
# Clause ids only: "BYID" alone would also match the store's name.
SOME = "BYID-MISS or BYID-HIT or DELETE-ONE or DELETEALL-EMPTIES or SAVE-INSERT or FIND-MISS-NONE"


def _usage_error(run, *fragments: str) -> None:
    errors = [line for line in run.stderr.splitlines() if line.startswith("ERROR: ")]
    assert run.ret == pytest.ExitCode.USAGE_ERROR, run
    assert len(errors) == 1, run
    for fragment in fragments:
        assert fragment in errors[0], run


def test_written_failures_read_back_make_the_run_pass(run_kit, pytester):
    first = run_kit(f"--tokenstore={BYID_RAISES}", "--tokenstore-expect-write=known.txt", "-k", SOME)
    assert first.ret == 1, first
    known = pytester.path / "known.txt"
    assert "failing clauses written to known.txt" in first.stdout, first
    assert read_expect(known, [BYID_RAISES]) == {
        BYID_RAISES: frozenset({"BYID-MISS", "DELETE-ONE", "DELETEALL-EMPTIES"})
    }
    text = known.read_text()
    assert "BYID-MISS" in text.split("[", 1)[1]
    assert "# blocked by BYID-MISS" in text
    assert "# failed: find_token_by_id(" in text
    comments = [line.split("#", 1)[1].strip() for line in text.splitlines() if "#" in line and line[0] != "#"]
    # A reason stays one short line, whatever the store raised: the file is reviewed in diffs.
    assert comments, text
    assert all(len(c) <= COMMENT_LIMIT for c in comments), text
    assert any(c.endswith("...") for c in comments), text

    second = run_kit(
        f"--tokenstore={BYID_RAISES}",
        "--tokenstore-expect=known.txt",
        "--tokenstore-report=out.json",
        "-k",
        SOME,
    )
    assert second.ret == 0, second
    second.result.assert_outcomes(passed=15, xfailed=2, skipped=2)
    assert second.clauses_with("expected failure") == {"BYID-MISS", "DELETE-ONE", "DELETEALL-EMPTIES"}
    report = valid_report(pytester.path / "out.json")
    store = report["stores"][0]
    assert report["options"]["expect"] == str(known)
    assert report["exit_status"] == 0
    assert clause_verdicts(store) == {
        "SAVE-INSERT": "passed",
        "FIND-MISS-NONE": "passed",
        "BYID-HIT": "passed",
        "BYID-MISS": "expected-failure",
        "DELETE-ONE": "expected-failure",
        "DELETEALL-EMPTIES": "expected-failure",
    }
    # The store still fails those clauses: a known failure is not conformance.
    assert store["verdict"] == "nonconformant"
    assert store["root_faults"] == ["BYID-MISS"]


def test_expected_failures_pass_under_xdist(run_kit, pytester):
    pytester.path.joinpath("known.txt").write_text(
        f"[{BYID_RAISES}]\nBYID-MISS\nDELETE-ONE\nDELETEALL-EMPTIES\n"
    )
    run = run_kit(f"--tokenstore={BYID_RAISES}", "--tokenstore-expect=known.txt", "-k", SOME, "-n", "2")
    assert run.ret == 0, run
    run.result.assert_outcomes(passed=15, xfailed=2, skipped=2)


def test_a_failure_the_file_does_not_list_fails_the_run(run_kit, pytester):
    pytester.path.joinpath("known.txt").write_text(f"[{FIND_RAISES}]\n# nothing known yet\n")
    run = run_kit(f"--tokenstore={FIND_RAISES}", "--tokenstore-expect=known.txt", "-k", "FIND-MISS-NONE")
    assert run.ret == 1, run
    assert run.failed_clauses() == {"FIND-MISS-NONE"}


def test_a_listed_clause_that_passes_fails_the_run_with_one_line(run_kit, pytester):
    known = pytester.path / "known.txt"
    known.write_text(f"[{LIST_STORE}]\nFIND-BY-ID  # fixed since\n")
    run = run_kit(
        f"--tokenstore={LIST_STORE}", "--tokenstore-expect=known.txt", "-k", "FIND-BY-ID or BYID-HIT"
    )
    assert run.ret == 1, run
    run.result.assert_outcomes(passed=2)
    lines = [line for line in run.stdout.splitlines() if line.startswith("unexpected-pass:")]
    assert lines == ["unexpected-pass: FIND-BY-ID now passes, remove it from known.txt"], run
    assert run.verdicts() == {"FIND-BY-ID": "unexpected pass", "BYID-HIT": "passed"}


def test_writing_the_file_again_drops_what_now_passes(run_kit, pytester):
    known = pytester.path / "known.txt"
    known.write_text(f"[{LIST_STORE}]\nFIND-BY-ID\n")
    run = run_kit(
        f"--tokenstore={LIST_STORE}",
        "--tokenstore-expect=known.txt",
        "--tokenstore-expect-write=known.txt",
        "-k",
        "FIND-BY-ID",
    )
    assert run.ret == 1, run
    assert read_expect(known, [LIST_STORE]) == {}


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (f"[{LIST_STORE}]\nFIND-BY-IDD\n", ["known.txt:2: unknown clause id 'FIND-BY-IDD'"]),
        (
            "[mypkg.stores:Other]\nFIND-BY-ID\n",
            ["known.txt:1: [mypkg.stores:Other] is not a store of this run"],
        ),
        ("# header\nFIND-BY-ID\n", ["known.txt:2: 'FIND-BY-ID' comes before any [MODULE:ATTR] store line"]),
    ],
)
def test_a_bad_file_is_a_usage_error_in_one_line(run_kit, pytester, content, fragments):
    pytester.path.joinpath("known.txt").write_text(content)
    run = run_kit(f"--tokenstore={LIST_STORE}", "--tokenstore-expect=known.txt")
    _usage_error(run, "--tokenstore-expect", *fragments)
    assert "passed" not in run.stdout, run


def test_a_missing_file_is_a_usage_error_in_one_line(run_kit):
    run = run_kit(f"--tokenstore={LIST_STORE}", "--tokenstore-expect=missing.txt")
    _usage_error(run, "missing.txt: cannot read it")


def test_the_reader_skips_comments_and_blank_lines(tmp_path: Path):
    known = tmp_path / "known.txt"
    known.write_text(
        "# known failures\n\n[a:Store]\n  FIND-BY-ID   # why\n\nBYID-MISS\n[b:Store]\n[a:Store]\nGET-ALL\n"
    )
    assert read_expect(known, ["a:Store", "b:Store"]) == {
        "a:Store": frozenset({"FIND-BY-ID", "BYID-MISS", "GET-ALL"}),
        "b:Store": frozenset(),
    }
    with pytest.raises(ExpectError, match=r"known.txt:3: \[a:Store\] is not a store of this run \(b:Store\)"):
        read_expect(known, ["b:Store"])
