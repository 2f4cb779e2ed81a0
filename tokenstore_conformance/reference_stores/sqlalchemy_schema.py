"""The table of the SQLAlchemy store, and the few places where the backends differ.

Every value column is TEXT: tokens, user names and URLs have no length limit
the store may impose, and ``expires_in`` must come back as the string it was.

Lookups do not search the TEXT columns themselves. Each key column has a
companion ``<column>_hash`` column, the SHA-256 of the value's UTF-8 bytes in
hex, and the indexes and the unique constraints are on those. Three reasons:

- MariaDB/MySQL cannot index a TEXT column without a prefix length, and a
  unique prefix index would make two long user names that share a prefix
  collide;
- a PostgreSQL B-tree entry is limited to about 2,700 bytes, which 700
  four-byte emoji exceed;
- the hash compares bytes, so the lookup is exact on every backend whatever
  the collation: MariaDB's ``utf8mb4_bin`` still ignores trailing spaces
  ('Alice' = 'Alice ') and case-insensitive collations equate 'Alice' and
  'alice'. Queries compare the real value as well, so even a hash collision
  cannot pick a wrong record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from .records import COLUMNS

# Columns a record is looked up by; each has a ``<column>_hash`` twin.
KEY_COLUMNS = ("id", "user_name", "access_token", "grant_token", "refresh_token")
MAX_TABLE_NAME = 40  # index names add up to 23 characters; PostgreSQL allows 63, MySQL 64


def hash_column(column: str) -> str:
    return f"{column}_hash"


def digest(column: str, value: str | None) -> str | None:
    """The value's hash, or None where the value is never a lookup key.

    Empty strings are not keys (see records.lookup_key), so they get no hash:
    two records may both hold an empty user name without breaking the unique
    constraint. The id is the primary key and always has one.
    """
    if value is None or (value == "" and column != "id"):
        return None
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def token_table(name: str) -> Table:
    """The table definition; a MetaData of its own, so stores never share mutable schema state."""
    hashes = [Column(hash_column(c), String(64), primary_key=c == "id") for c in KEY_COLUMNS]
    values = [Column(c, Text, nullable=c != "id") for c in COLUMNS]
    return Table(
        name,
        MetaData(),
        *values,
        *hashes,
        # Inside CREATE TABLE, so the table never exists, even for a moment, without it.
        UniqueConstraint(hash_column("user_name"), name=f"{name}_user_name_hash"),
        *(Index(f"{name}_{hash_column(c)}", hash_column(c)) for c in KEY_COLUMNS[2:]),
        # InnoDB for transactions; utf8mb4 so four-byte characters (emoji) fit; a binary collation
        # so comparisons of the real values are case- and accent-sensitive.
        mysql_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_bin",
    )


def create_table(engine: Engine, table: Table) -> None:
    """Create the table and its indexes if absent; safe when several processes do it at once.

    ``checkfirst`` looks before it creates, so two processes starting together
    may both try; the loser's CREATE fails (PostgreSQL even reports it as a
    unique violation in its catalog). The next attempt looks again, finds the
    winner's table and is done; a failure with another cause fails every time.
    """
    for attempt in range(3):
        try:
            with engine.begin() as connection:
                table.create(connection, checkfirst=True)
            return
        except DBAPIError:
            if attempt == 2:
                raise


def lock_key(connection: Connection, table: Table, column: str, value: str) -> Callable[[], None] | None:
    """Serialise first saves of one lookup key across processes and machines.

    A user name is protected by its unique constraint: the second of two
    concurrent inserts fails and is retried as an update. Access, grant and
    refresh tokens cannot be unique (two users' records may share one), so two
    workers saving the same new token by one of them would both insert. This
    lock, taken inside the transaction before the lookup, makes the second wait
    until the first has committed; its lookup then finds the record.

    Returns what to call after the transaction ends, for a lock that outlives it.
    """
    name = hashlib.sha256(f"{table.name}\0{column}\0{value}".encode()).hexdigest()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # Released by the server at commit or rollback.
        key = int.from_bytes(bytes.fromhex(name[:16]), "big", signed=True)
        connection.execute(select(func.pg_advisory_xact_lock(key)))
        return None
    if dialect in ("mysql", "mariadb"):
        # A session lock: it survives COMMIT, so it is released after it (or by the server when the
        # connection ends, if the process dies first). Names are limited to 64 characters.
        lock = f"tokenstore:{name[:48]}"
        if connection.execute(select(func.get_lock(lock, 30))).scalar() != 1:
            raise TimeoutError(f"waited 30s for the lock on a {column} of table {table.name}")
        return lambda: connection.execute(select(func.release_lock(lock)))
    # SQLite: any write statement takes the database's single write lock until commit.
    connection.execute(update(table).where(table.c.id.is_(None)).values(id=table.c.id))
    return None
