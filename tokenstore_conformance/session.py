"""Setting up a conformance run once ``--tokenstore`` names at least one store."""

from __future__ import annotations

import fnmatch
import shutil
import tempfile
from pathlib import Path

import pytest

from . import fixtures, report
from .plugin import DEFAULT_TIMEOUT
from .spec import StoreBuildError, StoreSpec, load_spec

SPECS_KEY = pytest.StashKey[list[StoreSpec]]()
ALLOW_EXISTING_KEY = pytest.StashKey[bool]()
CONTRACT_DIR = Path(__file__).parent / "contract"


def start(config: pytest.Config, specs: list[str]) -> None:
    config.addinivalue_line("markers", "clause(id, ...): the TokenStore contract clause(s) a test checks")
    timeout = config.getoption("tokenstore_timeout")
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    allow_existing = bool(config.getoption("tokenstore_allow_existing"))
    loaded = [load_spec(spec, timeout) for spec in dict.fromkeys(specs)]
    if not allow_existing:
        for spec in loaded:
            refuse_if_not_empty(spec)
    config.stash[SPECS_KEY] = loaded
    config.stash[ALLOW_EXISTING_KEY] = allow_existing
    _collect_contract(config)
    config.pluginmanager.register(fixtures, "tokenstore-fixtures")
    config.pluginmanager.register(report.ClauseReport(config, loaded), "tokenstore-report")


def refuse_if_not_empty(spec: StoreSpec) -> None:
    """Stop the run if a fresh store already holds tokens the kit did not write."""
    scratch = Path(tempfile.mkdtemp(prefix="tokenstore-guard-"))
    try:
        store = spec.build(lambda: scratch)
        tokens = store.get_tokens()
    except StoreBuildError as exc:
        raise pytest.UsageError(str(exc)) from None
    except Exception as exc:
        raise pytest.UsageError(
            f"--tokenstore {spec.spec!r}: get_tokens() raised {type(exc).__name__}: {exc}, so the "
            "kit cannot check that the store is empty before writing to it; fix get_tokens, or "
            "pass --tokenstore-allow-existing if the store holds nothing you need"
        ) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if tokens:
        raise pytest.UsageError(
            f"--tokenstore {spec.spec!r}: the store already holds {len(tokens)} token(s) the kit did "
            "not write; the kit saves and deletes tokens, so point it at an empty store "
            "(--tokenstore-allow-existing runs anyway and DELETES them)"
        )


def _collect_contract(config: pytest.Config) -> None:
    """Add the shipped contract tests to what pytest collects.

    Paths on the command line keep their tests beside the contract; with none,
    only the contract runs, so the kit works from any directory. A command line
    that already names contract files or tests runs just those.
    """
    contract = str(CONTRACT_DIR)
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args = [contract]
    elif not any(_names_contract(config, arg) for arg in config.args):
        config.args = [*config.args, contract]


def _names_contract(config: pytest.Config, arg: str) -> bool:
    path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
    return path == CONTRACT_DIR or CONTRACT_DIR in path.parents


def collect_contract_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """Collect contract modules even where the user's ``python_files`` would not match them."""
    if file_path.parent != CONTRACT_DIR or not file_path.name.startswith("test_"):
        return None
    if file_path.suffix != ".py":
        return None
    patterns = parent.config.getini("python_files")
    if any(fnmatch.fnmatch(file_path.name, pattern) for pattern in patterns):
        return None  # pytest's own collector takes it
    return pytest.Module.from_parent(parent, path=file_path)
