"""The kit's whole contract on the SQLAlchemy store, in a child pytest, on each backend."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import MetaData, create_engine, inspect

from tokenstore_conformance.harness.clauses import CLAUSES

# Built per test directory, in a table named with this run's prefix, so that the parent can find
# and drop every table the child created. (With the kit's support for generator factories,
# reference_stores.sqlalchemy_store:from_env does this by itself and drops each table after its test.)
FACTORY = """
import hashlib
import os

from reference_stores.sqlalchemy_store import SQLAlchemyTokenStore


def store(tmp_path):
    digest = hashlib.sha256(str(tmp_path).encode()).hexdigest()[:12]
    return SQLAlchemyTokenStore(os.environ["KIT_DATABASE_URL"], table=os.environ["KIT_TABLE_PREFIX"] + digest)
"""


def _drop_tables(url: str, prefix: str) -> int:
    engine = create_engine(url)
    try:
        names = [n for n in inspect(engine).get_table_names() if n.startswith(prefix)]
        metadata = MetaData()
        metadata.reflect(engine, only=names)
        metadata.drop_all(engine)
        return len(names)
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["postgres", "mariadb", "sqlite"])
def test_the_sqlalchemy_store_passes_every_clause(
    backend, dbservers, run_kit, pytester, monkeypatch, tmp_path
):
    url = f"sqlite:///{tmp_path}/kit.db" if backend == "sqlite" else dbservers.url(backend)
    prefix = f"kit{secrets.token_hex(3)}_"
    monkeypatch.setenv("KIT_DATABASE_URL", url)
    monkeypatch.setenv("KIT_TABLE_PREFIX", prefix)
    pytester.makepyfile(kitstore=FACTORY)
    try:
        run = run_kit("--tokenstore=kitstore:store")
    finally:
        created = _drop_tables(url, prefix)
    assert run.ret == 0, run
    assert not run.failed_clauses(), run
    verdicts = run.verdicts()
    assert set(CLAUSES) <= set(verdicts), f"clauses missing from the table: {set(CLAUSES) - set(verdicts)}"
    assert verdicts["INSTANCE-PERSIST"] == "passed"
    assert created > 100, f"only {created} tables: the child did not build a store per test on {backend}"
