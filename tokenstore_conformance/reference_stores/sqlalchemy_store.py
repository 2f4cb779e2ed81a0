"""A TokenStore on a database server (PostgreSQL, MariaDB/MySQL) or SQLite, through SQLAlchemy Core.

One implementation serves every backend: statements are SQLAlchemy Core
expressions, so values are always bound parameters, and what differs between
backends (types, one lock) lives in ``sqlalchemy_schema``. It is written for
many processes on many machines sharing one table:

- every save is one transaction; concurrent first saves of one user are
  resolved by the table's unique constraint: the loser's INSERT fails and the
  save is retried, finding the winner's record and updating it;
- an update sets only the token's non-None fields, so the merge happens in
  the database row, never from a copy read earlier that another writer may
  have changed meanwhile;
- ids are random (uuid4), never read from the table (``max(id)+1`` collides);
- each process has one connection pool per URL, replaced in a forked child,
  and ``pool_pre_ping`` replaces connections a server restart has broken;
- any database failure is raised as ``SDKException`` with the cause; the
  store never answers "not found" because the server was unreachable.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, Engine, Row, create_engine, delete, insert, make_url, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from tokenstore_conformance.sdk import OAuthToken, SDKException, TokenStore

from .records import COLUMNS, fill_token, lookup_key, new_id, row_from_token, token_from_row
from .sqlalchemy_schema import (
    KEY_COLUMNS,
    MAX_TABLE_NAME,
    create_table,
    digest,
    hash_column,
    lock_key,
    token_table,
)

URL_VARIABLE = "TOKENSTORE_DATABASE_URL"
SAVE_ATTEMPTS = 5
TABLE_NAME = re.compile(rf"[A-Za-z_][A-Za-z0-9_]{{0,{MAX_TABLE_NAME - 1}}}")
# Deadlocks and serialization failures: the server rolled the transaction back, so it can be rerun.
RETRY_SQLSTATES = {"40001", "40P01"}
MYSQL_DEADLOCK = 1213

# One Engine (one connection pool) per URL per process: a pool is per-process plumbing, not store
# state, and hundreds of stores over one database must not open hundreds of pools. The lock only
# guards the dictionary. Engines a caller passes in are remembered weakly for the fork hook.
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()
_known_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """Give a forked child fresh pools: parent and child must never talk over one connection.

    ``dispose(close=False)`` drops the inherited connections without closing
    them, since closing would end the parent's sessions too.
    """
    global _engines_lock
    _engines_lock = threading.Lock()  # another thread may have held it at the fork
    for engine in list(_known_engines):
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def engine_for(url: str | URL) -> Engine:
    """This process's Engine for the URL, created at first use."""
    url = make_url(url)
    backend = url.get_backend_name()
    # hide_parameters: error messages (which the SDK logs) must not carry tokens.
    options: dict = {"pool_pre_ping": True, "hide_parameters": True}
    if backend in ("mysql", "mariadb") and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})  # four-byte characters (emoji)
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise ValueError(
                "an SQLite URL needs a file (sqlite:///path/tokens.db); :memory: is per connection"
            )
        _create_owner_only(url.database)
        options["connect_args"] = {"timeout": 30}
    key = url.render_as_string(hide_password=False)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            try:
                engine = _engines[key] = create_engine(url, **options)
            except ModuleNotFoundError as exc:
                raise ModuleNotFoundError(
                    f"the database driver for {backend} is not installed ({exc.name}); install the "
                    "extra postgres or mysql: pip install 'tokenstore-conformance[postgres]'"
                ) from exc
            _known_engines.add(engine)
        return engine


def _create_owner_only(path: str) -> None:
    """Create an SQLite file readable by its owner only, before SQLite creates it with the umask."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))


@contextmanager
def _raised_as_sdk_exception(action: str) -> Iterator[None]:
    try:
        yield
    except (SQLAlchemyError, TimeoutError) as exc:
        # SDKException appends the cause's text to the message.
        raise SDKException("TOKEN_STORE", f"could not {action}: ", cause=exc) from exc


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True  # a concurrent insert of the same key won
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    return bool(getattr(orig, "args", None)) and orig.args[0] == MYSQL_DEADLOCK


class SQLAlchemyTokenStore(TokenStore):
    """Tokens in one table of a database, shared by every process and machine that opens it."""

    tokenstore_persistent = True
    tokenstore_concurrency = "processes"

    def __init__(self, url_or_engine: str | URL | Engine, table: str = "oauthtoken") -> None:
        if not TABLE_NAME.fullmatch(table):
            raise ValueError(
                f"table name {table!r}: use letters, digits and _ (at most {MAX_TABLE_NAME} characters)"
            )
        if isinstance(url_or_engine, Engine):
            self.engine = url_or_engine
            _known_engines.add(url_or_engine)
        else:
            self.engine = engine_for(url_or_engine)
        self.table = token_table(table)
        with _raised_as_sdk_exception(f"create the table {table}"):
            create_table(self.engine, self.table)

    # --- lookups ----------------------------------------------------------------------------------

    def _select_by(self, connection, column: str, value: str) -> Row | None:
        hashed = digest(column, value)
        if hashed is None:
            return None
        table = self.table
        query = select(*(table.c[c] for c in COLUMNS)).where(
            table.c[hash_column(column)] == hashed, table.c[column] == value
        )
        return connection.execute(query.limit(1)).first()

    def _matching_row(self, connection, token: OAuthToken) -> Row | None:
        """The record the token names: by id if that is stored, else by the contract's key order."""
        if token.get_id() is not None:
            row = self._select_by(connection, "id", token.get_id())
            if row is not None:
                return row
        key = lookup_key(token)
        return self._select_by(connection, *key) if key else None

    def find_token(self, token):
        if not isinstance(token, OAuthToken):
            return None
        with _raised_as_sdk_exception("find the token"), self.engine.connect() as connection:
            row = self._matching_row(connection, token)
        return fill_token(token, row) if row is not None else None

    def find_token_by_id(self, id):
        if not isinstance(id, str):
            return None
        with _raised_as_sdk_exception("find the token by id"), self.engine.connect() as connection:
            row = self._select_by(connection, "id", id)
        return token_from_row(row) if row is not None else None

    def get_tokens(self):
        query = select(*(self.table.c[c] for c in COLUMNS))
        with _raised_as_sdk_exception("list the tokens"), self.engine.connect() as connection:
            return [token_from_row(row) for row in connection.execute(query)]

    # --- writes -----------------------------------------------------------------------------------

    def save_token(self, token):
        if not isinstance(token, OAuthToken):
            return
        conflict: DBAPIError | None = None
        with _raised_as_sdk_exception("save the token"):
            for _ in range(SAVE_ATTEMPTS):
                try:
                    record_id = self._save_once(token)
                except DBAPIError as exc:
                    if not _retryable(exc):
                        raise
                    conflict = exc
                    continue
                if record_id is not None:
                    if token.get_id() is None:
                        token.set_id(record_id)
                    return
        reason = "" if conflict else "its record was deleted meanwhile each time"
        raise SDKException(
            "TOKEN_STORE", f"could not save the token in {SAVE_ATTEMPTS} attempts: {reason}", cause=conflict
        )

    def _save_once(self, token: OAuthToken) -> str | None:
        """One transaction: update the record the token names, or insert one.

        Returns the record's id, or None when the record disappeared between
        lookup and update (a concurrent delete), so the save is tried again.
        """
        values = dict(zip(COLUMNS, row_from_token(token), strict=True))
        key = lookup_key(token)
        table = self.table
        with self.engine.connect() as connection:
            release = None
            try:
                with connection.begin():
                    if key is not None and key[0] != "user_name":
                        release = lock_key(connection, table, *key)
                    stored = self._matching_row(connection, token)
                    if stored is None:
                        values["id"] = values["id"] if values["id"] is not None else new_id()
                        connection.execute(insert(table).values(_with_hashes(values)))
                        return values["id"]
                    # The merge rule: the token's non-None fields win, None keeps the stored value.
                    changes = {c: v for c, v in values.items() if v is not None and c != "id"}
                    if changes:
                        result = connection.execute(
                            update(table)
                            .where(table.c.id_hash == digest("id", stored.id), table.c.id == stored.id)
                            .values(_with_hashes(changes))
                        )
                        if result.rowcount != 1:
                            return None
                    return stored.id
            finally:
                if release is not None:
                    release()

    def delete_token(self, id):
        if not isinstance(id, str):
            return
        table = self.table
        with _raised_as_sdk_exception("delete the token"), self.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.id_hash == digest("id", id), table.c.id == id))

    def delete_tokens(self):
        with _raised_as_sdk_exception("delete the tokens"), self.engine.begin() as connection:
            connection.execute(delete(self.table))

    def drop_table(self) -> None:
        """Remove the table (if it is still there): the teardown of a table made for one test."""
        with _raised_as_sdk_exception(f"drop the table {self.table.name}"):
            self.table.drop(self.engine, checkfirst=True)


def _with_hashes(values: dict[str, str | None]) -> dict[str, str | None]:
    """The values plus the hash of every key column among them."""
    hashes = {hash_column(c): digest(c, values[c]) for c in KEY_COLUMNS if c in values}
    return {**values, **hashes}


def table_for(tmp_path: os.PathLike[str] | str) -> str:
    """A table name of the test's own: the same for the same directory, different for any other.

    The host name is hashed in too, so two machines whose test runs happen to
    have equal temporary paths still use separate tables of one database.
    """
    seed = f"{socket.gethostname()}:{os.fspath(tmp_path)}"
    return "oauthtoken_" + hashlib.sha256(seed.encode()).hexdigest()[:12]


def from_env(tmp_path: Path) -> Iterator[SQLAlchemyTokenStore]:
    """Factory for the kit: a store on the database ``$TOKENSTORE_DATABASE_URL``, in a table of the test's own.

    A generator: the kit takes the store with next() and closes the generator
    after the test, which drops the table, so nothing is left in the database.
    """
    url = os.environ.get(URL_VARIABLE)
    if not url:
        raise RuntimeError(
            f"{URL_VARIABLE} is not set; set it to an SQLAlchemy URL, for example "
            "postgresql+psycopg://user:password@127.0.0.1:5432/tokenstore"
        )
    store = SQLAlchemyTokenStore(url, table=table_for(tmp_path))
    try:
        yield store
    finally:
        store.drop_table()
