"""The package's shape: one-way layers, no import cycle, small modules, and one home for each fact."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import tokenstore_conformance
from tokenstore_conformance import flags

pytestmark = pytest.mark.contributing("Layers and homes")

PACKAGE = Path(tokenstore_conformance.__file__).parent
NAME = "tokenstore_conformance"
MAX_LINES = 350

# Higher layers may import lower ones, never the other way; groups of one layer stay apart.
LAYERS = {
    "__main__": 8,  # runs cli
    "cli": 7,  # gathers the runner's subcommands
    "plugin": 6,
    "runner": 6,
    "contract": 5,
    "harness": 4,
    "lifecycle": 3,
    "sdkflow": 2.5,  # below the concurrency engine, which runs the SDK flow in workers
    "concurrency": 3,
    "bench": 3,
    "target": 2,
    "records": 1,
    "reference_stores": 1,  # stores to study and copy: they lean on the SDK alone
    "sdk": 0,
    "flags": 0,  # the options' names, which messages at every layer spell
    "__init__": 0,
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join((NAME, *parts))] = path
    return found


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """Package modules that ``module`` imports, at any depth in its code (lazy imports included)."""
    is_package = path.name == "__init__.py"
    base = module.split(".") if is_package else module.split(".")[:-1]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            prefix = base[: len(base) - node.level + 1] if node.level else []
            stem = ".".join([*prefix, node.module] if node.module else prefix)
            names = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module and name != NAME:
                targets.add(name)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {module: _imports(module, path, set(modules)) for module, path in modules.items()}


def _group(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_no_import_cycle():
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target] if target in trail else [node, target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_imports_point_down_the_layers():
    upward = []
    for module, targets in _graph().items():
        mine = _group(module)
        for target in targets:
            theirs = _group(target)
            if theirs == mine:
                continue
            if LAYERS[theirs] >= LAYERS[mine]:
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_every_group_has_a_layer():
    assert {_group(module) for module in _modules()} <= set(LAYERS)


def test_no_module_is_longer_than_the_limit():
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


# Each fact, the one module allowed to spell it, and a pattern that finds a copy of it.
FACTS = {
    "the key order": (
        "records/keys.py",
        r'"user_name".{0,120}?"access_token".{0,120}?"grant_token".{0,120}?"refresh_token"',
    ),
    "a hostile string": ("records/samples.py", re.escape("DROP TABLE oauthtoken")),
    "the client id": ("records/samples.py", re.escape("1000.K3ZP0GD4TQ7V2XN8C1LW5RYJ6HB9MA")),
    "the redirect URL": ("records/samples.py", re.escape("app.example.test/oauth/callback")),
    "a raw option name": (
        "flags.py",
        "|".join(
            re.escape(f'"{name}"')
            for name in (
                flags.TIMEOUT,
                flags.ALLOW_EXISTING,
                flags.PROFILE,
                flags.SEED,
                flags.REPORT,
                flags.EXPECT,
                flags.EXPECT_WRITE,
            )
        ),
    ),
}


def _kit_sources() -> list[Path]:
    """The kit's own modules: the reference stores stand alone (a reader copies one without the kit),
    so they keep their own spelling of the facts below."""
    return [
        path for path in PACKAGE.rglob("*.py") if path.relative_to(PACKAGE).parts[0] != "reference_stores"
    ]


def test_each_fact_has_one_home():
    homes = {}
    for fact, (home, pattern) in FACTS.items():
        holders = sorted(
            str(path.relative_to(PACKAGE))
            for path in _kit_sources()
            if re.search(pattern, path.read_text(encoding="utf-8"), re.DOTALL)
        )
        homes[fact] = holders
        assert holders == [home], f"{fact} is spelled in {holders}, expected only in {home}"


def test_the_layer_check_sees_an_upward_import(tmp_path):
    """The graph walk finds relative imports at any depth, so the layer test can fail."""
    source = tmp_path / "probe.py"
    source.write_text("def late():\n    from ..harness import settings\n", encoding="utf-8")
    module = f"{NAME}.records.probe"
    known = set(_modules()) | {module}
    assert f"{NAME}.harness.settings" in _imports(module, source, known)
