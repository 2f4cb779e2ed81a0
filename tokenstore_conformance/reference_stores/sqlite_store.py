"""A TokenStore in an SQLite file: tokens survive restarts of the application."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import weakref
from contextlib import nullcontext

from .sql import SQLTokenStore

# PRAGMA takes no parameters, so the two accepted settings are spelled out here.
SYNCHRONOUS = {"NORMAL": "PRAGMA synchronous = NORMAL", "FULL": "PRAGMA synchronous = FULL"}
MMAP = "PRAGMA mmap_size = 268435456"  # up to 256 MiB of the file mapped, far more than 100,000 tokens
# A checkpoint copies the WAL into the database file and flushes both to the disk. At SQLite's
# default, every 1,000 pages (about 140 new logins), saving 5,000 logins took a third longer than
# at every 4,000 pages; the price is a -wal file of up to 16 MiB.
CHECKPOINT = "PRAGMA wal_autocheckpoint = 4000"
# How long a new instance waits for the file while other processes hold it, as the busy timeout does.
OPEN_SECONDS = 30.0

# Bumped in every forked child before it runs any code of its own. Comparing it costs nothing,
# where comparing os.getpid() would be a system call on every operation.
_forks = 0


def _count_fork() -> None:
    global _forks
    _forks += 1


if hasattr(os, "register_at_fork"):  # every system that has fork()
    os.register_at_fork(after_in_child=_count_fork)


class SQLiteTokenStore(SQLTokenStore):
    """Tokens in the table ``oauthtoken`` of an SQLite file, shared by threads and processes.

    Connections: one per thread, opened on the thread's first call and reused,
    because opening a connection costs far more than a lookup. A thread's
    connection is closed when the thread ends (it lives only in a
    ``threading.local``); ``close()`` closes the connections of every thread of
    this process at once, for a store being thrown away, and the store opens
    new ones if it is used again. Call it when no other thread is inside a call
    to the store. After ``fork()`` the child never uses or closes the
    parent's connections (SQLite forbids carrying a connection across fork): it
    notices the fork and opens its own.

    Journal: WAL, so readers never wait for a writer and a commit appends to
    one file instead of rewriting pages twice. WAL needs a local file system
    (not NFS or SMB shares). Writers take turns (``BEGIN IMMEDIATE``); a
    waiting one retries for up to 30 s (the busy timeout) before failing.
    Statements are constant strings, so each connection prepares each once
    (sqlite3's statement cache) and reuses it.

    Durability, ``synchronous="NORMAL"`` (the default): a commit is written to
    the WAL file before save_token returns, but not flushed to the disk.
    A crash of the application (an exception, ``kill -9``, an OOM kill) loses
    nothing whose save_token returned: the data is in the operating system's
    cache and the next connection replays the WAL. A crash of the machine (power
    loss, kernel panic) can lose the saves of the last moments, though never
    corrupt the file: for an update that means a new access token, which the
    SDK gets again with the refresh token; for a login it means its refresh
    token, and the user grants access again. ``synchronous="FULL"`` flushes
    every commit and survives power loss at the cost of one disk flush per
    save.

    The file is created owner-only (0600); SQLite creates ``-wal`` and ``-shm``
    with the database file's permissions.
    """

    # Two instances over one file see the same tokens: that is the point of a file.
    tokenstore_persistent = True
    tokenstore_concurrency = "processes"

    def __init__(self, path: str | os.PathLike[str] = "zohooauth.db", *, synchronous: str = "NORMAL") -> None:
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {sorted(SYNCHRONOUS)}, not {synchronous!r}")
        self.path = os.fspath(path)
        self._synchronous = SYNCHRONOUS[synchronous]
        self._guard = nullcontext()  # each thread has its own connection: nothing to serialise here
        self._inherited: list[sqlite3.Connection] = []
        self._reset()
        _create_owner_only(self.path)
        self._prepare_file()

    def _prepare_file(self) -> None:
        """Switch the file to WAL (persistent in the file) and create the table, once per instance.

        Some lock conflicts at open, such as another process recovering the WAL
        after a crash, make SQLite answer "database is locked" at once instead
        of waiting out the busy timeout, so a worker starting beside busy ones
        waits here itself rather than fail to start.
        """
        deadline = time.monotonic() + OPEN_SECONDS
        while True:
            try:
                connection = self._db()
                if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    connection.execute("PRAGMA journal_mode = WAL").fetchone()
                self._create_schema()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _reset(self) -> None:
        """Start with no connections, in a new store or in a forked child."""
        self._fork = _forks
        self._local = threading.local()
        self._registry = threading.Lock()
        self._open: weakref.WeakSet[_Connection] = weakref.WeakSet()

    def _db(self) -> sqlite3.Connection:
        if self._fork != _forks:
            # A forked child: keep the parent's connections referenced, so they are never
            # closed here (closing would touch the parent's locks), and never use them.
            self._inherited += self._open
            self._reset()
        try:
            return self._local.connection
        except AttributeError:
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: transactions are begun explicitly, never implicitly.
        # check_same_thread=False only so that close() can close it from another thread.
        connection = sqlite3.connect(
            self.path, isolation_level=None, timeout=30, check_same_thread=False, factory=_Connection
        )
        connection.execute(self._synchronous)
        connection.execute(CHECKPOINT).fetchone()
        # Read pages through the operating system's cache, shared by every connection and process,
        # instead of copying them into each connection's own small cache: lookups in a large file
        # cost no more than in a small one.
        connection.execute(MMAP).fetchone()
        self._local.connection = connection
        with self._registry:
            self._open.add(connection)
        return connection

    def close(self) -> None:
        """Close every connection this process opened on the file; later calls open new ones."""
        with self._registry:
            connections, self._open = list(self._open), weakref.WeakSet()
            self._local = threading.local()
        for connection in connections:
            connection.close()

    def __enter__(self) -> SQLiteTokenStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Connection(sqlite3.Connection):
    """A connection that can be weakly referenced, so close() finds those of live threads only."""


def _create_owner_only(path: str) -> None:
    """Create the file readable by its owner only; tokens are credentials.

    SQLite gives its ``-wal`` and ``-shm`` files the database file's
    permissions, so they are protected too. An existing file keeps the
    permissions it has.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)


def tmp_path_store(tmp_path) -> SQLiteTokenStore:
    """Factory for the kit: a file in a fresh directory for every test, so runs leave nothing behind."""
    return SQLiteTokenStore(tmp_path / "zohooauth.db")
