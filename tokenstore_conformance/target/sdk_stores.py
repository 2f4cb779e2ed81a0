"""The SDK's own stores as SPEC targets, so the kit can say how they fare (docs/compatibility.md).

``tokenstore_conformance.target.sdk_stores:file_store`` is the SDK's ``FileStore``
on a CSV file of the test's own; ``...:db_store`` is its ``DBStore`` on MySQL or
MariaDB, in a table of the test's own created as in the SDK's README and
dropped afterwards. Both share storage between instances by design, so both
are declared persistent.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..sdk import DBStore, FileStore

URL_VARIABLE = "TOKENSTORE_DATABASE_URL"

# The table of the SDK's README ("Create DBStore object"), named for the test; a second instance of
# the same test (persistence clauses) finds it there.
CREATE_TABLE = """CREATE TABLE IF NOT EXISTS {table} (
  id varchar(10) NOT NULL,
  user_name varchar(255),
  client_id varchar(255),
  client_secret varchar(255),
  refresh_token varchar(255),
  access_token varchar(255),
  grant_token varchar(255),
  expiry_time varchar(20),
  redirect_url varchar(255),
  api_domain varchar(255),
  primary key (id)
)"""


def file_store(tmp_path: Path) -> FileStore:
    """The SDK's FileStore on a CSV file in ``tmp_path``, created owner-only before the SDK opens it."""
    path = tmp_path / "zoho_tokens.csv"
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    return FileStore(str(path))


file_store.tokenstore_persistent = True  # type: ignore[attr-defined]


def connection_settings(url: str) -> dict[str, object]:
    """DBStore's keyword arguments from a URL such as ``mysql+pymysql://user:password@host:3306/database``."""
    parts = urlsplit(url)
    if not parts.scheme.startswith(("mysql", "mariadb")) or not parts.path.strip("/"):
        raise ValueError(
            f"{URL_VARIABLE} must be a MySQL or MariaDB URL such as "
            f"mysql://user:password@127.0.0.1:3306/database, not {parts.scheme or url!r}"
        )
    return {
        "host": parts.hostname or "127.0.0.1",
        "database_name": parts.path.strip("/"),
        "user_name": unquote(parts.username or "root"),
        "password": unquote(parts.password or ""),
        "port_number": parts.port or 3306,
    }


def db_store(tmp_path: Path) -> Iterator[DBStore]:
    """The SDK's DBStore on ``$TOKENSTORE_DATABASE_URL``, in a table of this test's own, dropped afterwards."""
    url = os.environ.get(URL_VARIABLE, "")
    if not url:
        raise RuntimeError(f"{URL_VARIABLE} is not set; set it to mysql://user:password@host:port/database")
    settings = connection_settings(url)
    table = "oauthtoken_" + hashlib.sha256(str(tmp_path).encode()).hexdigest()[:12]
    _execute(settings, CREATE_TABLE.format(table=table))
    try:
        yield DBStore(**settings, table_name=table)
    finally:
        _execute(settings, f"DROP TABLE IF EXISTS {table}")


db_store.tokenstore_persistent = True  # type: ignore[attr-defined]


def _execute(settings: dict[str, object], statement: str) -> None:
    """Run one DDL statement with the driver DBStore itself uses (mysql-connector-python)."""
    try:
        import mysql.connector
    except ImportError:
        raise RuntimeError(
            "the SDK's DBStore needs mysql-connector-python: pip install mysql-connector-python"
        ) from None
    connection = mysql.connector.connect(
        host=settings["host"],
        database=settings["database_name"],
        user=settings["user_name"],
        password=settings["password"],
        port=settings["port_number"],
    )
    try:
        cursor = connection.cursor()
        cursor.execute(statement)
        cursor.close()
        connection.commit()
    finally:
        connection.close()
