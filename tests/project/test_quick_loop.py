"""The quick loop (tests/support/quick_loop.py) leaves out what is slow and keeps what is marked quick."""

from __future__ import annotations

import pytest

# In-process child runs of a few lines each: cheap enough for the loop they check.
pytestmark = pytest.mark.quick

TESTS = """
import pytest

def test_plain():
    pass

def test_uses_a_server(redis_url):
    pass

@pytest.mark.slow
def test_marked_slow():
    pass

@pytest.mark.slow
@pytest.mark.quick
def test_the_engines_one_child_run():
    pass
"""


@pytest.fixture
def loop(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(
        'import pytest\npytest_plugins = ["support.quick_loop"]\n\n@pytest.fixture\ndef redis_url():\n    return "redis://"\n'
    )
    pytester.makeini("[pytest]\nmarkers =\n    slow: slow\n    quick: quick\n")
    pytester.makepyfile(test_loop=TESTS)
    return pytester


def test_the_quick_loop_keeps_plain_tests_and_the_ones_marked_quick(loop):
    result = loop.runpytest("--quick", "-v", "-p", "no:randomly")
    result.assert_outcomes(passed=2, deselected=2)
    result.stdout.fnmatch_lines(["*test_plain PASSED*", "*test_the_engines_one_child_run PASSED*"])


def test_without_quick_everything_runs(loop):
    loop.runpytest("-p", "no:randomly").assert_outcomes(passed=4)


def test_a_test_that_asks_for_a_server_is_marked_slow_before_m_reads_the_markers(loop):
    loop.runpytest("-m", "slow", "-v", "-p", "no:randomly").assert_outcomes(passed=3, deselected=1)
