"""``python -m tokenstore_conformance bench``: files that hold what they say, refusals, one-line errors.

Nothing here asserts a timing: the machine decides those. What is checked is
that every store, operation and size is measured and written, and that the
bench never writes to a store that held tokens.
"""

from __future__ import annotations

import csv
import json
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import bench_stores

from tokenstore_conformance import __version__
from tokenstore_conformance.bench import scale
from tokenstore_conformance.bench.measure import OPS
from tokenstore_conformance.bench.report import Row, format_table
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
    assert main(["bench", "support.bench_stores:prefilled", "--sizes", "5", "--quiet"]) == 4
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
    assert (
        main(["bench", "support.bench_stores:with_teardown", "--sizes", "3,4", "--repeat", "1", "--quiet"])
        == 0
    )
    # One store for the emptiness check, then one per size, each in a directory of its own.
    assert len(bench_stores.DIRECTORIES) == 3
    assert len(set(bench_stores.DIRECTORIES)) == 3
    assert bench_stores.TEARDOWNS == bench_stores.DIRECTORIES
    assert "with_teardown" in capsys.readouterr().out


def test_a_store_that_answers_wrongly_stops_the_bench_with_exit_1(capsys):
    assert (
        main(["bench", "support.bench_stores:ForgetfulStore", "--sizes", "5", "--repeat", "1", "--quiet"])
        == 1
    )
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


class _Clock:
    """A monotonic clock that moves only when a store says a call took time."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _store_on(clock: _Clock, seconds_per_save) -> type[ListTokenStore]:
    class Timed(ListTokenStore):
        def save_token(self, token):
            clock.now += seconds_per_save(len(self.get_tokens()))
            super().save_token(token)

    return Timed


def test_scale_stops_a_fill_that_cannot_end_in_time_long_before_the_budget(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(scale, "monotonic", clock)
    # Each save costs 9.6 µs per stored token, as when a store rewrites a file per save: filling
    # 5,000 tokens takes 120 s, twice the budget, though the first thousand take under 5 s.
    grows = _store_on(clock, lambda stored: stored * 9.6e-6)
    with pytest.raises(OutOfTime, match=r"at \d+ tokens: a save takes [\d.]+ ms there") as stopped:
        measure_scale(grows, small=100, large=5000, batches=3, batch_size=2, budget_seconds=60.0)
    assert clock.now < 2.0, f"the fill ran {clock.now:.1f}s of the 60s budget before it stopped"
    assert "past the budget" in str(stopped.value)


def test_scale_lets_a_steady_fill_that_ends_in_time_finish(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(scale, "monotonic", clock)
    # 10 ms a save, 2,100 saves: 21 s, of a budget of 25 s.
    steady = _store_on(clock, lambda stored: 0.010)
    figures = measure_scale(steady, small=100, large=2000, batches=3, batch_size=2, budget_seconds=25.0)
    assert (figures.small, figures.large) == (100, 2000)
    assert 21.0 <= clock.now <= 25.0


def test_a_slow_fill_shows_progress_in_a_log_while_it_fills(capsys):
    # 300 saves of 5 ms: about 1.5 s of fill, the slow part, on a stream that is not a terminal.
    assert (
        main(["bench", "support.bench_stores:SlowSaves", "--sizes", "300", "--repeat", "1", "--batch", "5"])
        == 0
    )
    err = capsys.readouterr().err.splitlines()
    filling = [
        line
        for line in err
        if re.fullmatch(r"bench: SlowSaves N=300 filling: \d+ of 300 saved, [\d.]+s", line)
    ]
    assert len(filling) >= 2, err
    counts = [int(line.split("filling: ")[1].split(" of")[0]) for line in filling]
    assert counts == sorted(counts)
    assert 0 < counts[0] < 300
    assert err[-1].startswith("bench: SlowSaves N=300 done in ")


def test_the_size_budget_stops_a_size_and_the_larger_ones_and_says_why(capsys, tmp_path):
    argv = [
        "bench",
        "support.bench_stores:SlowPast30",
        "--sizes",
        "20,200,2000",
        "--repeat",
        "1",
        "--batch",
        "5",
    ]
    argv += ["--size-budget", "0.5", "--json", str(tmp_path / "r.json"), "--csv", str(tmp_path / "r.csv")]
    started = time.monotonic()
    assert main(argv) == 0  # a slow store is not a failing one
    assert time.monotonic() - started < 10
    captured = capsys.readouterr()
    out = captured.out

    assert "N = 20 (p50 / p99, " in out
    stopped = re.search(r"^SlowPast30: not measured: filled (\d+) of 200 in ([\d.]+) s$", out, re.M)
    assert stopped, out
    assert 30 <= int(stopped[1]) < 200
    assert 0.5 <= float(stopped[2]) < 5
    assert "SlowPast30: not measured: the size budget (0.5 s) ran out at N=200" in out
    assert "bench: SlowPast30 N=200 not measured: filled " in captured.err

    document = json.loads((tmp_path / "r.json").read_text())
    assert document["settings"]["size_budget_s"] == 0.5
    assert document["interrupted"] is False
    assert {r["size"] for r in document["results"]} == {20}
    gaps = {g["size"]: g for g in document["not_measured"]}
    assert sorted(gaps) == [200, 2000]
    assert (gaps[200]["cause"], gaps[200]["filled"]) == ("size_budget", int(stopped[1]))
    assert gaps[200]["detail"] == f"filled {stopped[1]} of 200 in {stopped[2]} s"
    assert gaps[200]["seconds"] >= 0.5
    assert gaps[2000]["cause"] == "after_size_budget"
    with (tmp_path / "r.csv").open(newline="") as handle:
        assert {row["size"] for row in csv.DictReader(handle)} == {"20"}


def test_a_bad_size_budget_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["bench", LIST, "--size-budget", "soon"])
    assert stopped.value.code == 2
    assert "--size-budget: 'soon': give a number of seconds" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("factory", "where"),
    [
        ("ctrl_c_in_fill", "filled 30 of 100 in "),
        ("ctrl_c_in_round", "filled 100, then timed 0 of 2 rounds, in "),
    ],
)
def test_ctrl_c_keeps_what_was_measured_exits_130_and_cleans_up(
    capsys, monkeypatch, tmp_path, factory, where
):
    for name in ("BUILT", "TEARDOWNS", "DIRECTORIES"):
        monkeypatch.setattr(bench_stores, name, [])
    argv = [
        "bench",
        f"support.bench_stores:{factory}",
        "--sizes",
        "10,20,100,1000",
        "--repeat",
        "2",
        "--batch",
        "5",
    ]
    argv += ["--json", str(tmp_path / "r.json"), "--csv", str(tmp_path / "r.csv")]
    try:
        code = main(argv)
    except KeyboardInterrupt:
        pytest.fail("a raw KeyboardInterrupt left the bench")
    assert code == 130
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    interrupted = [line for line in captured.err.splitlines() if "interrupted" in line]
    assert len(interrupted) == 1, captured.err
    said = (
        rf"bench: interrupted at {factory} N=100 \({re.escape(where)}[\d.]+ s\); the results above stop there"
    )
    assert re.fullmatch(said, interrupted[0]), interrupted
    assert "N = 10 (p50 / p99, " in captured.out
    assert "N = 20 (p50 / p99, " in captured.out
    assert re.search(rf"^{factory}: interrupted: {re.escape(where)}[\d.]+ s$", captured.out, re.M)
    assert "N = 1,000" not in captured.out

    document = json.loads((tmp_path / "r.json").read_text())
    assert document["interrupted"] is True
    assert {r["size"] for r in document["results"]} == {10, 20}
    assert [(g["size"], g["cause"]) for g in document["not_measured"]] == [(100, "interrupted")]
    with (tmp_path / "r.csv").open(newline="") as handle:
        assert {row["size"] for row in csv.DictReader(handle)} == {"10", "20"}
    # Every store the bench built was emptied and torn down, the interrupted one too.
    assert len(bench_stores.BUILT) == 4
    assert [store.get_tokens() for store in bench_stores.BUILT] == [[]] * 4
    assert bench_stores.TEARDOWNS == bench_stores.DIRECTORIES
    assert not any(Path(directory).exists() for directory in bench_stores.DIRECTORIES)


def _rows(store: str, size: int, p50_us: float) -> list[Row]:
    return [Row(store, "spec", size, op, 10, p50_us, p50_us * 4, 2.5) for op in OPS]


def test_a_table_states_one_unit_once_and_every_figure_is_in_it():
    table = format_table(_rows("fast", 100, 5.0) + _rows("slow", 100, 26_274.0), ["fast", "slow"], [100])
    block = table.split("\n\n")[0].splitlines()
    assert block[0].startswith("N = 100 (p50 / p99, µs per call)")
    body = block[1 : 1 + len(OPS)]
    assert [line.split()[-6:] for line in body] == [["5.00", "/", "20.0", "26,274", "/", "105,096"]] * len(
        OPS
    )
    assert not [line for line in body if re.search(r"\d\s*(s|ms|µs|us)\b", line)]
    assert sum(len(re.findall(r"\b(ms|µs|us)\b", line)) for line in block) == 1
    assert block[1 + len(OPS)] == "fill 0..N took, in total: fast 2.5 s, slow 2.5 s"


def test_a_table_of_large_figures_reads_in_milliseconds():
    table = format_table(_rows("slow", 1000, 26_274.0), ["slow"], [1000])
    assert table.startswith("N = 1,000 (p50 / p99, ms per call)")
    assert "26.3 / 105" in table
    assert "µs" not in table
