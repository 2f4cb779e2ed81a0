"""The kit's whole contract on the SQLAlchemy store, in a child pytest, on each backend, through ``from_env``."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect

from tokenstore_conformance.harness.clauses import CLAUSES
from tokenstore_conformance.reference_stores.sqlalchemy_store import URL_VARIABLE, table_for


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["postgres", "mariadb", "sqlite"])
def test_the_sqlalchemy_store_passes_every_clause(
    backend, dbservers, run_kit, pytester, monkeypatch, tmp_path
):
    url = f"sqlite:///{tmp_path}/kit.db" if backend == "sqlite" else dbservers.url(backend)
    monkeypatch.setenv(URL_VARIABLE, url)
    run = run_kit("--tokenstore=tokenstore_conformance.reference_stores.sqlalchemy_store:from_env")
    assert run.ret == 0, run
    assert not run.failed_clauses(), run
    verdicts = run.verdicts()
    assert set(CLAUSES) <= set(verdicts), f"clauses missing from the table: {set(CLAUSES) - set(verdicts)}"
    assert verdicts["INSTANCE-PERSIST"] == "passed"
    # Every test's directory had a table of its own, and the factory's teardown dropped each one.
    directories = [d for d in pytester.path.glob("runpytest-*/store*") if d.is_dir()]
    assert len(directories) > 100, f"only {len(directories)} store directories: no table per test?"
    left = {table_for(d) for d in directories} & _tables(url)
    assert left == set(), f"{len(left)} tables of the child run were not dropped on {backend}"
