"""The quick loop, ``pytest tests --quick``: every module of the kit in about a minute, servers and child runs aside.

The full run spends its time in child kit runs (a pytest per store judged) and
in real database servers; a contributor changing one engine wants its unit
tests, the architecture and documentation guards, and one child run per engine
in a minute. Tests are sorted by what they use, not by hand: a test that asks
for a fixture in ``SLOW_FIXTURES`` is marked ``slow`` here, a test that spends
its time otherwise says so with ``@pytest.mark.slow``, and ``@pytest.mark.quick``
keeps a slow test in the quick loop (the one child run of its engine). The
quick loop deselects the rest; the plain ``pytest tests`` runs everything, as CI does.
"""

from __future__ import annotations

import pytest

# Fixtures that start a child pytest, a database server or a build of the kit.
SLOW_FIXTURES = frozenset(
    {
        "pytester",
        "dbservers",
        "own_dbservers",
        "database_url",
        "redis_url",
        "servers_dir",
        "kit_wheel",
        "released",
    }
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--quick",
        action="store_true",
        help="the quick loop: deselect tests marked slow (child kit runs, servers, builds) unless marked quick",
    )


@pytest.hookimpl(tryfirst=True)  # before -m reads the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    if not config.getoption("--quick"):
        return
    kept = [item for item in items if item.get_closest_marker("quick") or not item.get_closest_marker("slow")]
    dropped = [item for item in items if item not in kept]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
