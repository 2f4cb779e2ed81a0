"""The SQLite file store at run time: its files, its connections, forks, processes and crashes."""

from __future__ import annotations

import gc
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from tokenstore_conformance.records import make_token, records_of
from tokenstore_conformance.reference_stores import sql
from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore

CHILD_TIMEOUT = 60  # seconds any child process may take; a hang fails the test, it does not stall it


def _login(n: int, access: str = "a") -> object:
    return make_token(user_name=f"user{n}@example.test", access_token=f"{access}{n}", expires_in="1")


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_the_wal_and_shm_files_are_owner_only_like_the_database(tmp_path, umask):
    previous = os.umask(umask)
    try:
        store = SQLiteTokenStore(tmp_path / "tokens.db")
        store.save_token(_login(1))
    finally:
        os.umask(previous)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert modes == {"tokens.db": 0o600, "tokens.db-wal": 0o600, "tokens.db-shm": 0o600}
    store.close()


def test_the_file_is_in_wal_mode_with_the_chosen_synchronous_and_checkpoint_settings(tmp_path):
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    connection = store._db()
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    assert connection.execute("PRAGMA wal_autocheckpoint").fetchone() == (4000,)
    full = SQLiteTokenStore(tmp_path / "tokens.db", synchronous="FULL")
    assert full._db().execute("PRAGMA synchronous").fetchone() == (2,)
    with pytest.raises(ValueError, match="synchronous must be one of"):
        SQLiteTokenStore(tmp_path / "tokens.db", synchronous="OFF")


def test_a_column_that_is_not_a_key_is_refused_even_under_python_O():
    connection = sqlite3.connect(":memory:")
    with pytest.raises(ValueError, match="cannot be looked up by 'client_secret'"):
        sql.select_one(connection, "client_secret", "x")
    code = (
        "import sqlite3; from tokenstore_conformance.reference_stores import sql\n"
        "try: sql.select_one(sqlite3.connect(':memory:'), 'id = id --', 'x')\n"
        "except ValueError: print('refused')"
    )
    run = subprocess.run(
        [sys.executable, "-O", "-c", code], capture_output=True, text=True, timeout=CHILD_TIMEOUT, check=False
    )
    assert run.stdout.strip() == "refused", run.stderr


def test_a_thread_reuses_its_connection_and_threads_do_not_share_one(tmp_path):
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    mine = store._db()
    store.save_token(_login(1))
    assert store._db() is mine
    theirs: list[object] = []
    thread = threading.Thread(target=lambda: theirs.append(store._db()))
    thread.start()
    thread.join()
    assert theirs[0] is not mine
    store.close()


def test_the_connection_of_a_finished_thread_is_closed(tmp_path):
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    threads = [threading.Thread(target=store.save_token, args=(_login(n),)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    gc.collect()
    assert len(store._open) == 1  # the main thread's, opened by the constructor
    assert len(store.get_tokens()) == 20
    store.close()


def test_close_closes_every_thread_s_connection_and_the_store_reopens(tmp_path):
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    seen: list[sqlite3.Connection] = []
    release = threading.Event()

    def worker() -> None:
        seen.append(store._db())
        release.wait(CHILD_TIMEOUT)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    while len(seen) < 3:
        time.sleep(0.01)
    seen.append(store._db())
    store.close()
    release.set()
    for thread in threads:
        thread.join()
    for connection in seen:
        with pytest.raises(sqlite3.ProgrammingError):
            connection.execute("SELECT 1")
    store.save_token(_login(1))  # opens a new connection
    assert [r.user_name for r in records_of(store.get_tokens())] == ["user1@example.test"]
    store.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() exists on POSIX only")
def test_a_forked_child_opens_its_own_connection_and_its_saves_reach_the_parent(tmp_path):
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    store.save_token(_login(1))
    parent_connection = store._db()
    pid = os.fork()
    if pid == 0:  # the child: report through the exit code only, never return into pytest
        code = 1
        try:
            code = 3 if store._db() is parent_connection else 0
            store.save_token(_login(2))
        finally:
            os._exit(code)
    deadline = time.monotonic() + CHILD_TIMEOUT
    while (waited := os.waitpid(pid, os.WNOHANG)) == (0, 0) and time.monotonic() < deadline:
        time.sleep(0.01)
    if waited == (0, 0):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child did not finish")
    assert os.waitstatus_to_exitcode(waited[1]) == 0  # 3: it reused the parent's connection
    assert store._db() is parent_connection
    names = sorted(r.user_name for r in records_of(store.get_tokens()))
    assert names == ["user1@example.test", "user2@example.test"]
    store.close()


PROCESS_WORKER = textwrap.dedent(
    """
    import sys
    from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore
    from tokenstore_conformance.records import make_token

    path, worker = sys.argv[1], int(sys.argv[2])
    store = SQLiteTokenStore(path)
    for n in range(30):
        name = f"user{worker}-{n}@example.test"
        store.save_token(make_token(user_name=name, access_token=f"a{worker}-{n}"))
        store.save_token(make_token(user_name=name, access_token=f"b{worker}-{n}"))
    store.close()
    """
)


def test_processes_saving_at_once_lose_nothing_and_duplicate_nothing(tmp_path):
    path = str(tmp_path / "tokens.db")
    SQLiteTokenStore(path).close()
    children = [
        subprocess.Popen(
            [sys.executable, "-c", PROCESS_WORKER, path, str(w)], stderr=subprocess.PIPE, text=True
        )
        for w in range(4)
    ]
    errors = []
    for child in children:
        try:
            _, stderr = child.communicate(timeout=CHILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            _, stderr = child.communicate()
        if child.returncode != 0:
            errors.append(stderr[-2000:])
    assert errors == []
    records = records_of(SQLiteTokenStore(path).get_tokens())
    assert len(records) == 120
    assert len({r.id for r in records}) == 120
    assert all(r.access_token.startswith("b") for r in records)


CRASH_WORKER = textwrap.dedent(
    """
    import sys
    from tokenstore_conformance.reference_stores.sqlite_store import SQLiteTokenStore
    from tokenstore_conformance.records import make_token

    store = SQLiteTokenStore(sys.argv[1])
    n = 0
    while True:
        store.save_token(make_token(user_name=f"user{n}@example.test", access_token=f"a{n}"))
        print(n, flush=True)  # only after save_token returned
        n += 1
    """
)


def test_a_killed_process_loses_no_save_that_returned(tmp_path):
    path = str(tmp_path / "tokens.db")
    child = subprocess.Popen([sys.executable, "-c", CRASH_WORKER, path], stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + CHILD_TIMEOUT
        reported = 0
        while reported < 300 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            reported += 1
        child.send_signal(signal.SIGKILL)  # mid-save, most likely: no cleanup of any kind runs
        rest = child.stdout.read()
    finally:
        child.kill()
        child.wait(timeout=CHILD_TIMEOUT)
    assert reported == 300, "the child stopped saving before it was killed"
    returned = reported + rest.count("\n")  # complete lines only: saves that had returned
    names = {r.user_name for r in records_of(SQLiteTokenStore(path).get_tokens())}
    missing = [n for n in range(returned) if f"user{n}@example.test" not in names]
    assert missing == []
    assert len(names) in (returned, returned + 1)  # the save in flight may or may not have committed


def test_a_new_instance_waits_out_a_file_that_answers_locked_at_once(tmp_path, monkeypatch):
    # SQLite answers some conflicts at open ("database is locked" while another process recovers the
    # WAL) without waiting out the busy timeout; the constructor must wait instead of failing.
    SQLiteTokenStore(tmp_path / "tokens.db")
    answers = [sqlite3.OperationalError("database is locked")] * 3
    real = SQLiteTokenStore._create_schema

    def busy_at_first(self):
        if answers:
            raise answers.pop()
        real(self)

    monkeypatch.setattr(SQLiteTokenStore, "_create_schema", busy_at_first)
    store = SQLiteTokenStore(tmp_path / "tokens.db")
    assert answers == []
    assert store.get_tokens() == []


def test_a_new_instance_does_not_wait_on_other_errors(tmp_path, monkeypatch):
    def broken(self):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(SQLiteTokenStore, "_create_schema", broken)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        SQLiteTokenStore(tmp_path / "tokens.db")
