"""CONTRIBUTING.md: every section a guard points to exists, and a failing guard shows the pointer."""

from __future__ import annotations

import re

import pytest
from support.contributing import sections
from support.layout import TESTS_DIR

pytestmark = pytest.mark.quick  # in-process child runs of a few lines
MARKER = re.compile(r"pytest\.mark\.contributing\(\s*\"(?P<section>[^\"]+)\"\s*\)")


def test_every_section_a_guard_names_is_in_contributing_md():
    named = {
        (path.relative_to(TESTS_DIR).as_posix(), match["section"])
        for path in TESTS_DIR.rglob("test_*.py")
        for match in MARKER.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(named) >= 5, named
    assert {(path, section) for path, section in named if section not in sections()} == set()


def test_a_failing_guard_ends_with_the_section_that_says_how_to_fix_it(pytester: pytest.Pytester):
    pytester.makeconftest('pytest_plugins = ["support.contributing"]\n')
    pytester.makeini("[pytest]\nmarkers =\n    contributing(section): guard\n")
    pytester.makepyfile(
        test_guard="""
import pytest

pytestmark = pytest.mark.contributing("Adding a clause")

def test_fails():
    assert False, "the clause has no broken store"

def test_passes():
    pass
"""
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        ["*how to fix this*", "CONTRIBUTING.md, section 'Adding a clause', lists the steps this test checks."]
    )
    assert result.stdout.str().count("CONTRIBUTING.md, section") == 1
