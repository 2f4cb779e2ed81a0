"""One resolver for every option: command line, then environment, then ini, then the default, with the source named.

The child runs of test_plugin_cli.py check what a user sees; these check the
order itself on a stand-in config, so each source can be set or left out alone.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tokenstore_conformance import plugin
from tokenstore_conformance.flags import (
    ALLOW_EXISTING,
    BUDGET,
    EXPECT,
    OUTPUT,
    PROFILE,
    REPORT,
    SEED,
    STORES,
    STORES_ENV,
    STRICT,
    STRICT_ENV,
    TIMEOUT,
)
from tokenstore_conformance.harness.options import (
    DEFAULT,
    DEFAULT_BUDGET,
    DEFAULT_TIMEOUT,
    OPTIONS,
    Setting,
    requested_specs,
    resolve,
    seed_of,
)
from tokenstore_conformance.lifecycle.profiles import DEFAULT_PROFILE, DEFAULT_SEED, RANDOM


class _Recorder:
    """Stands in for pytest's parser and option group: records what the plugin registers."""

    def __init__(self) -> None:
        self.options: dict[str, Any] = {}  # dest -> default
        self.ini: dict[str, Any] = {}  # key -> default

    def getgroup(self, *args: object) -> _Recorder:
        return self

    def addoption(self, *names: str, dest: str, default: Any = None, **kwargs: object) -> None:
        self.options[dest] = default

    def addini(self, name: str, help: str, type: str, default: Any) -> None:
        self.ini[name] = default


def _registered() -> _Recorder:
    recorder = _Recorder()
    plugin.pytest_addoption(recorder)
    return recorder


class _Config:
    """The part of ``pytest.Config`` the resolver reads, with the plugin's own defaults."""

    def __init__(self, tmp_path: Path, options: dict[str, Any], ini: dict[str, Any]) -> None:
        registered = _registered()
        self._options = {**registered.options, **options}
        self._ini = {**registered.ini, **ini}
        self.invocation_params = SimpleNamespace(dir=tmp_path / "cwd")
        self.rootpath = tmp_path / "root"
        self.stash = pytest.Stash()

    def getoption(self, name: str, default: Any = None) -> Any:
        value = self._options.get(name)
        return default if value is None else value

    def getini(self, name: str) -> Any:
        return self._ini[name]


@pytest.fixture
def config(tmp_path, monkeypatch):
    """A config factory; the kit's variables start unset, whatever the shell running the tests set."""
    for name in (STORES_ENV, STRICT_ENV):
        monkeypatch.delenv(name, raising=False)

    def make(ini: dict[str, Any] | None = None, **options: Any) -> _Config:
        return _Config(tmp_path, options, ini or {})

    return make


def test_the_resolver_knows_every_option_the_plugin_registers_and_reads_ini_only_for_ini_keys():
    registered = _registered()
    assert set(OPTIONS) == set(registered.options)
    assert {dest for dest, option in OPTIONS.items() if option.ini} == set(registered.ini)


@pytest.mark.parametrize(
    ("dest", "default"),
    [
        (STORES, []),
        (TIMEOUT, DEFAULT_TIMEOUT),
        (BUDGET, DEFAULT_BUDGET),
        (ALLOW_EXISTING, False),
        (PROFILE, DEFAULT_PROFILE),
        (SEED, DEFAULT_SEED),
        (STRICT, False),
        (REPORT, None),
        (EXPECT, None),
        (OUTPUT, None),
    ],
)
def test_an_option_given_nowhere_is_its_default(config, dest, default):
    setting = resolve(config(), dest)
    assert setting == Setting(default, DEFAULT)
    assert not setting.given


def test_a_zero_on_the_command_line_is_given_not_the_default(config):
    assert resolve(config(**{TIMEOUT: 0.0}), TIMEOUT) == Setting(0.0, "--tokenstore-timeout")
    assert resolve(config(**{SEED: 0}), SEED) == Setting(0, "--tokenstore-seed")
    assert resolve(config(**{BUDGET: 0.0}), BUDGET).given


def test_stores_come_from_the_command_line_then_the_environment_then_ini(config, monkeypatch):
    ini = {STORES: ["ini.module:Store"]}
    monkeypatch.setenv(STORES_ENV, "env.a:Store env.b:Store")
    both = config(ini, **{STORES: ["cli.a:Store cli.b:Store", "cli.c:Store"]})
    assert resolve(both, STORES) == Setting(["cli.a:Store", "cli.b:Store", "cli.c:Store"], "--tokenstore")
    assert resolve(config(ini), STORES) == Setting(["env.a:Store", "env.b:Store"], "TOKENSTORE")
    monkeypatch.setenv(STORES_ENV, "   ")  # a blank variable is not set
    assert resolve(config(ini), STORES) == Setting(["ini.module:Store"], "ini tokenstore")
    assert requested_specs(config(ini)) == (["ini.module:Store"], "ini tokenstore")


def test_strict_comes_from_the_flag_then_the_variable_then_ini(config, monkeypatch):
    ini = {STRICT: True}
    assert resolve(config(ini), STRICT) == Setting(True, "ini tokenstore_strict")
    monkeypatch.setenv(STRICT_ENV, " Off ")  # the variable can say no, even over ini
    assert resolve(config(ini), STRICT) == Setting(False, "TOKENSTORE_STRICT")
    monkeypatch.setenv(STRICT_ENV, "1")
    assert resolve(config(), STRICT) == Setting(True, "TOKENSTORE_STRICT")
    monkeypatch.setenv(STRICT_ENV, "no")
    assert resolve(config(ini, **{STRICT: True}), STRICT) == Setting(True, "--tokenstore-strict")


def test_the_report_path_is_relative_to_where_it_was_given(config, tmp_path):
    """The flag's path is from the working directory, the ini key's from rootdir; a blank ini value is unset."""
    assert resolve(config({REPORT: " out.json "}), REPORT) == Setting(
        tmp_path / "root" / "out.json", "ini tokenstore_report"
    )
    given = config({REPORT: "ini.json"}, **{REPORT: "cli.json"})
    assert resolve(given, REPORT) == Setting(tmp_path / "cwd" / "cli.json", "--tokenstore-report")
    assert resolve(config({REPORT: "  "}), REPORT) == Setting(None, DEFAULT)
    assert resolve(config(**{EXPECT: "known.txt"}), EXPECT).value == tmp_path / "cwd" / "known.txt"


def test_the_seed_is_drawn_once_for_random_and_fixed_otherwise(config):
    assert seed_of(config()) == (DEFAULT_SEED, False)
    assert seed_of(config(**{SEED: 7})) == (7, False)
    drawn = config(**{SEED: RANDOM})
    first = seed_of(drawn)
    assert first[1] is True
    assert seed_of(drawn) == first
