"""A failing guard test says where CONTRIBUTING.md explains what it guards.

The architecture, documentation and corpus guards fail on a change that is
right in itself but incomplete (a clause with no broken store, a module with no
row in the architecture page); the fix is a step of CONTRIBUTING.md, not a
change to the guard. A guard module says which section with
``pytestmark = pytest.mark.contributing("Adding a clause")``, and its failures
end with that pointer.
"""

from __future__ import annotations

import re

import pytest

from support.layout import ROOT

GUIDE = ROOT / "CONTRIBUTING.md"


def sections() -> set[str]:
    """The ``##`` headings of CONTRIBUTING.md, which the markers name."""
    return set(re.findall(r"^## (.+)$", GUIDE.read_text(encoding="utf-8"), re.MULTILINE))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    marker = item.get_closest_marker("contributing")
    if marker is not None and report.failed:
        report.sections.append(
            (
                "how to fix this",
                f"CONTRIBUTING.md, section '{marker.args[0]}', lists the steps this test checks.",
            )
        )
    return report
