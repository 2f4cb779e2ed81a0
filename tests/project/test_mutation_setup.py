"""The mutation run's wiring (docs/mutation.md): what it passes to pytest does what the page says."""

from __future__ import annotations

import re

import pytest
from support.layout import ROOT

PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
MUTMUT = PYPROJECT.split("[tool.mutmut]", 1)[1].split("\n[", 1)[0]
UNBUILDABLE = """
from tokenstore_conformance.reference_stores.list_store import ListTokenStore


class Store(ListTokenStore):
    def __init__(self):
        raise RuntimeError("a mutant broke the constructor")
"""


def _strings(setting: str) -> list[str]:
    """The strings of one list setting of [tool.mutmut]."""
    (value,) = re.findall(rf"^{setting} = \[(.*?)\]", MUTMUT, re.MULTILINE | re.DOTALL)
    return re.findall(r'"([^"]*)"', value)


def test_every_plugin_the_mutation_run_loads_is_copied_beside_the_mutants():
    args = _strings("pytest_add_cli_args")
    plugins = [args[i + 1] for i, arg in enumerate(args) if arg == "-p" and not args[i + 1].startswith("no:")]
    assert plugins, "the mutation run loads no plugin of its own"
    for plugin in plugins:
        path = plugin.replace(".", "/") + ".py"
        assert (ROOT / path).is_file(), plugin
        assert any(path.startswith(copied) for copied in _strings("also_copy")), plugin


def test_a_store_that_cannot_be_built_or_imported_fails_the_mutation_run_instead_of_stopping_it(
    run_kit, pytester
):
    pytester.makepyfile(unbuildable=UNBUILDABLE, unimportable="1 / 0")
    # A store that imports but cannot be built is a failing run by itself (not built, exit 1) ...
    run = run_kit("--tokenstore=unbuildable:Store", "-p", "mutation.not_built_is_killed")
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert "unbuildable:Store: not built: building store 'unbuildable:Store' raised" in run.stdout
    # ... and a mutant that breaks the import, a usage error (exit 4), is counted as failing too.
    assert run_kit("--tokenstore=unimportable:Store").ret == pytest.ExitCode.USAGE_ERROR
    run = run_kit("--tokenstore=unimportable:Store", "-p", "mutation.not_built_is_killed")
    assert run.ret == pytest.ExitCode.TESTS_FAILED, run
    assert "usage error, counted as a failing run: " in run.stdout


def test_the_mutation_run_is_strict_and_leaves_the_speed_clause_out():
    args = _strings("pytest_add_cli_args")
    assert "--tokenstore-strict" in args
    assert args[args.index("-k") + 1] == "not test_lookups_and_updates_cost"


def test_the_rest_of_the_kit_is_copied_but_never_over_the_mutants():
    # mutmut copies also_copy after it writes the mutants, so a copied path that holds a mutated one
    # would put the original code back and every mutant would survive.
    sources, copied = _strings("source_paths"), _strings("also_copy")
    assert not [(s, c) for s in sources for c in copied if s.startswith(c) or c.startswith(s)]
    kit = ROOT / "tokenstore_conformance"
    parts = {
        f"tokenstore_conformance/{path.name}" + ("/" if path.is_dir() else "")
        for path in kit.iterdir()
        if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").is_file())
    }
    assert parts - set(copied) == set(sources)
