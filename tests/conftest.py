"""Running the installed kit in a child pytest, the way a store author runs it; a Redis server for the Redis store."""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from support.layout import CHILD_PYTHONPATH

pytest_plugins = ["pytester", "support.servers", "support.quick_loop", "support.contributing"]

TRACEBACK_FRAME = re.compile(r"^(?P<path>\S+\.py):\d+: in ")
ERROR_LINE = re.compile(r"^E\s+(?P<name>[A-Za-z_][\w.]*(?:Error|Exception))(:|$)")
# What the kit raises on purpose when a store breaks a clause, or cannot be built.
KIT_OWN_FAILURES = ("AssertionError", "PreconditionFailed", "LifecycleMismatch", "StoreBuildError")
TABLE_ROW = re.compile(r"^(?P<clause>[A-Z][A-Z0-9-]+)\s+(?P<level>MUST|SHOULD|\?)\s+(?P<cells>.+)$")


class KitRun:
    """The outcome of one child run: exit code, output, and the clause table parsed."""

    def __init__(self, result: pytest.RunResult) -> None:
        self.result = result
        self.ret = result.ret
        self.stdout = result.stdout.str()
        self.stderr = result.stderr.str()

    def verdicts(self, store_index: int = 0) -> dict[str, str]:
        """clause id -> 'passed' / 'failed' / 'blocked' / 'warned' / 'not applicable' / 'not built' / '-'.

        Cells are separated by two or more spaces, since 'not applicable' holds one.
        """
        table: dict[str, str] = {}
        in_table = False
        for line in self.stdout.splitlines():
            if "TokenStore contract by clause" in line:
                in_table = True
                continue
            match = TABLE_ROW.match(line.strip()) if in_table else None
            if match:
                table[match["clause"]] = re.split(r"\s{2,}", match["cells"].strip())[store_index]
        return table

    def failed_clauses(self, store_index: int = 0) -> set[str]:
        return self.clauses_with("failed", store_index)

    def clauses_with(self, verdict: str, store_index: int = 0) -> set[str]:
        return {cid for cid, seen in self.verdicts(store_index).items() if seen == verdict}

    def kit_frame_errors(self) -> list[str]:
        """Exceptions the kit's own code raised (``--tb=short`` output): a TypeError in a kit frame,
        never an assertion, a precondition or what the store raised, whose last frame is the store's."""
        found, frame = [], None
        for line in self.stdout.splitlines():
            if line.startswith("____"):
                frame = None
            elif match := TRACEBACK_FRAME.match(line):
                frame = match["path"]
            elif (match := ERROR_LINE.match(line)) and frame is not None:
                name = match["name"].rsplit(".", 1)[-1]
                if "tokenstore_conformance" in frame and name not in KIT_OWN_FAILURES:
                    found.append(f"{frame}: {line}")
                frame = None
        return found

    def __repr__(self) -> str:  # shown by pytest when an assertion on a run fails
        return f"<KitRun ret={self.ret}>\n--- stdout ---\n{self.stdout[-6000:]}\n--- stderr ---\n{self.stderr[-3000:]}"


@pytest.fixture
def run_kit(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    """Run ``pytest ARGS`` in a fresh directory, with ``tests/`` importable for store modules.

    The child imports the kit from wherever it is installed, never from this
    source tree, because the child's working directory is a temporary one.
    """
    monkeypatch.setenv("PYTHONPATH", CHILD_PYTHONPATH)
    monkeypatch.delenv("TOKENSTORE", raising=False)

    def run(*args: str, timeout: float = 600, cache: bool = False) -> KitRun:
        plugins = ("-p", "no:randomly") if cache else ("-p", "no:cacheprovider", "-p", "no:randomly")
        result = pytester.runpytest_subprocess(*args, *plugins, timeout=timeout)
        return KitRun(result)

    return run


_corpus_properties: list[tuple[str, object]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect what the corpus tests record; under xdist the reports carry it to the controller."""
    if report.when == "call":
        _corpus_properties.extend(
            p for p in report.user_properties if p[0].startswith(("corpus_", "multifault_"))
        )


def pytest_terminal_summary(terminalreporter) -> None:
    """The fault corpus's headline: faults caught, correct stores flagged, time spent in child runs."""
    multifault = dict(p for p in _corpus_properties if p[0].startswith("multifault_"))
    if multifault:
        terminalreporter.write_line(
            f"multi-fault corpus: {multifault['multifault_roots']} root faults listed / "
            f"{multifault['multifault_bugs']} bugs planted = {multifault['multifault_roots_per_bug']:.2f}",
            bold=True,
        )
    verdicts = Counter(value for name, value in _corpus_properties if name == "corpus_verdict")
    if not verdicts:
        return
    seconds = [value for name, value in _corpus_properties if name == "corpus_child_seconds"]
    broken = verdicts["caught"] + verdicts["missed"]
    terminalreporter.write_line(
        f"caught {verdicts['caught']}/{broken} broken, {verdicts['false alarm']} false alarms", bold=True
    )
    terminalreporter.write_line(f"corpus: {len(seconds)} kit runs, {sum(seconds):.1f}s of child time")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """$TOKENSTORE_REDIS_URL, or a redis-server started for this session and stopped by its PID."""
    from support.redis_server import RedisServer, RedisServerError

    from tokenstore_conformance.reference_stores.redis_store import URL_VARIABLE

    if os.environ.get(URL_VARIABLE):
        yield os.environ[URL_VARIABLE]
        return
    try:
        server = RedisServer().start()
    except RedisServerError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server.url
    server.close()


@pytest.fixture
def redis_store(redis_url: str):
    """A Redis store under a prefix no other test uses; its keys are deleted afterwards."""
    from tokenstore_conformance.reference_stores.redis_store import RedisTokenStore, shared_client

    built = RedisTokenStore(shared_client(redis_url), prefix=f"tsc-test:{uuid.uuid4().hex}:")
    yield built
    built.delete_tokens()
