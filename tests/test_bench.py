"""``python -m tokenstore_conformance bench``: files that hold what they say, refusals, one-line errors.

Nothing here asserts a timing: the machine decides those. What is checked is
that every store, operation and size is measured and written, and that the
bench never writes to a store that held tokens.
"""

from __future__ import annotations

import csv
import json
import struct
import subprocess
import sys
import time

import bench_stores
import pytest

from tokenstore_conformance import __version__
from tokenstore_conformance.bench.measure import OPS
from tokenstore_conformance.bench.scale import OutOfTime, measure_scale
from tokenstore_conformance.cli import main
from tokenstore_conformance.reference_stores.list_store import ListTokenStore

LIST = "tokenstore_conformance.reference_stores.list_store:ListTokenStore"
MEMORY = "tokenstore_conformance.reference_stores.memory_store:InMemoryTokenStore"


def test_the_bench_writes_json_csv_and_png_for_every_store_operation_and_size(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    command = [sys.executable, "-m", "tokenstore_conformance", "bench", f"list={LIST}", f"memory={MEMORY}"]
    command += ["--sizes", "10,20", "--repeat", "3", "--batch", "5", "--max-size", "memory=10"]
    command += ["--json", str(out / "r.json"), "--csv", str(out / "r.csv"), "--plot", str(out / "r.png")]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr

    document = json.loads((out / "r.json").read_text())
    assert document["kit_version"] == __version__
    assert document["settings"]["sizes"] == [10, 20]
    assert document["settings"]["stores"] == {"list": LIST, "memory": MEMORY}
    floors = document["settings"]["raw_select_us"]
    assert [sorted(floors[when]) for when in ("before", "after")] == [
        ["sqlite_memory", "sqlite_wal_file"]
    ] * 2
    assert min(v for when in floors.values() for v in when.values()) > 0
    results = document["results"]
    expected = {("list", op, size) for op in OPS for size in (10, 20)} | {("memory", op, 10) for op in OPS}
    assert {(r["store"], r["op"], r["size"]) for r in results} == expected
    assert len(results) == len(expected)
    for r in results:
        assert 0 < r["p50_us"] <= r["p99_us"], r
        assert r["total_s"] > 0, r
        assert r["calls"] > 0, r
    fills = {(r["store"], r["size"]): r["calls"] for r in results if r["op"] == "fill"}
    assert fills == {("list", 10): 10, ("list", 20): 20, ("memory", 10): 10}
    assert all(r["calls"] == 15 for r in results if r["op"] in ("find_user", "save_update"))

    with (out / "r.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["store"], r["op"], int(r["size"]), float(r["p50_us"])) for r in rows] == [
        (r["store"], r["op"], r["size"], r["p50_us"]) for r in results
    ]

    png = (out / "r.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 800
    assert height > 400

    assert "N = 10" in run.stdout
    assert "N = 20" in run.stdout
    assert "memory: sizes above 10 skipped (--max-size)" in run.stdout
    assert "raw sqlite3 indexed SELECT of one row, in this run" in run.stdout
    assert run.stdout.count("find by user name") == 2


def test_a_store_that_holds_tokens_is_refused_and_left_alone(capsys):
    assert main(["bench", "bench_stores:prefilled", "--sizes", "5", "--quiet"]) == 4
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "already holds 1 token(s) the bench did not write" in captured.err


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_such_module:Store", "SPEC 'no_such_module:Store': no module named 'no_such_module'"),
        ("tokenstore_conformance.reference_stores.list_store:Nope", "has no attribute 'Nope'"),
        ("tokenstore_conformance.reference_stores.list_store", "expected MODULE:ATTRIBUTE"),
    ],
)
def test_a_bad_spec_is_one_line_and_exit_2(capsys, spec, message):
    assert main(["bench", spec, "--sizes", "5"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("bench: error: ")
    assert message in err


def test_plot_without_matplotlib_says_what_to_install_before_measuring(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    assert main(["bench", LIST, "--sizes", "5", "--plot", str(tmp_path / "p.png")]) == 2
    captured = capsys.readouterr()
    assert captured.err == "bench: error: --plot needs matplotlib: pip install tokenstore-conformance[plot]\n"
    assert captured.out == ""


def test_a_generator_factory_gets_a_fresh_directory_per_size_and_its_teardown_runs(capsys, monkeypatch):
    monkeypatch.setattr(bench_stores, "TEARDOWNS", [])
    monkeypatch.setattr(bench_stores, "DIRECTORIES", [])
    assert main(["bench", "bench_stores:with_teardown", "--sizes", "3,4", "--repeat", "1", "--quiet"]) == 0
    # One store for the emptiness check, then one per size, each in a directory of its own.
    assert len(bench_stores.DIRECTORIES) == 3
    assert len(set(bench_stores.DIRECTORIES)) == 3
    assert bench_stores.TEARDOWNS == bench_stores.DIRECTORIES
    assert "with_teardown" in capsys.readouterr().out


def test_a_store_that_answers_wrongly_stops_the_bench_with_exit_1(capsys):
    assert main(["bench", "bench_stores:ForgetfulStore", "--sizes", "5", "--repeat", "1", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "find_token by user name answered None, expected 'user0000" in err


@pytest.mark.parametrize(
    "argv", [["bench", LIST, "--sizes", "10,x"], ["bench", LIST, "--repeat", "0"], ["bench"]]
)
def test_bad_options_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_an_output_file_in_a_missing_directory_is_refused_before_measuring(capsys, tmp_path):
    assert main(["bench", LIST, "--sizes", "5", "--csv", str(tmp_path / "nowhere" / "r.csv")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "nowhere does not exist; create it first" in captured.err


def test_two_stores_with_one_label_are_refused(capsys):
    assert main(["bench", f"a={LIST}", f"a={MEMORY}", "--sizes", "5"]) == 2
    assert "more than one store is called 'a'" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"tokenstore-conformance {__version__}\n"


def test_scale_measures_both_sizes_interleaved_when_stores_have_their_own_storage():
    figures = measure_scale(ListTokenStore, small=5, large=20, batches=3, batch_size=2)
    assert (figures.small, figures.large, figures.interleaved) == (5, 20, True)
    assert (
        min(figures.find_small_ns, figures.find_large_ns, figures.update_small_ns, figures.update_large_ns)
        > 0
    )
    assert figures.find_ratio > 0
    assert figures.update_ratio > 0


def test_scale_falls_back_to_one_after_the_other_when_storage_is_shared():
    shared = ListTokenStore()
    figures = measure_scale(lambda: shared, small=5, large=20, batches=3, batch_size=2)
    assert figures.interleaved is False
    assert len(shared.get_tokens()) == 20
    assert figures.update_ratio == figures.update_large_ns / figures.update_small_ns


class _SavesSlowDownAsItGrows(ListTokenStore):
    """Each save takes longer the more tokens there are, as in a store that rewrites a file per save."""

    def save_token(self, token):
        time.sleep(len(self.get_tokens()) * 0.0005)
        super().save_token(token)


def test_scale_stops_when_its_budget_is_spent():
    with pytest.raises(OutOfTime, match=r"out of time while filling a store to \d+ tokens, at \d+ tokens"):
        measure_scale(_SavesSlowDownAsItGrows, small=100, large=400, budget_seconds=1.0)
