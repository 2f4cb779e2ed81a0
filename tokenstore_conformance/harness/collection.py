"""Which tests a run collects: the shipped contract, beside or instead of the user's own paths."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

CONTRACT_DIR = Path(__file__).parent.parent / "contract"


def add_contract(config: pytest.Config) -> None:
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
