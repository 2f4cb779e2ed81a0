"""Setting up a conformance run once ``--tokenstore`` names at least one store."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from ..target.spec import SpecError, StoreBuildError, StoreSpec, load_spec
from . import fixtures, report
from .collection import add_contract
from .settings import SETTINGS_KEY, resolve, timeout_of


def start(config: pytest.Config, specs: list[str], source: str) -> None:
    config.addinivalue_line("markers", "clause(id, ...): the TokenStore contract clause(s) a test checks")
    timeout = timeout_of(config)
    try:
        loaded = [load_spec(spec, timeout) for spec in dict.fromkeys(specs)]
    except SpecError as exc:
        raise pytest.UsageError(str(exc)) from None
    settings = resolve(config, loaded, source)
    if not settings.allow_existing:
        for spec in loaded:
            refuse_if_not_empty(spec)
    config.stash[SETTINGS_KEY] = settings
    add_contract(config)
    config.pluginmanager.register(fixtures, "tokenstore-fixtures")
    config.pluginmanager.register(report.ClauseReport(settings), "tokenstore-report")


def refuse_if_not_empty(spec: StoreSpec) -> None:
    """Stop the run if a fresh store already holds tokens the kit did not write."""
    scratch = Path(tempfile.mkdtemp(prefix="tokenstore-guard-"))
    try:
        built = spec.build(lambda: scratch)
        try:
            tokens = built.store.get_tokens()
        finally:
            built.close()
    except StoreBuildError as exc:
        raise pytest.UsageError(str(exc)) from None
    except Exception as exc:
        raise pytest.UsageError(
            f"--tokenstore {spec.name!r}: get_tokens() raised {type(exc).__name__}: {exc}, so the "
            "kit cannot check that the store is empty before writing to it; fix get_tokens, or "
            "pass --tokenstore-allow-existing if the store holds nothing you need"
        ) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if tokens:
        raise pytest.UsageError(
            f"--tokenstore {spec.name!r}: the store already holds {len(tokens)} token(s) the kit did "
            "not write; the kit saves and deletes tokens, so point it at an empty store "
            "(--tokenstore-allow-existing runs anyway and DELETES them)"
        )
