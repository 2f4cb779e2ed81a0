"""The concurrency engine: thread, process and crash checks of a store, run outside pytest's process.

``checks.run_check(clause, Target(spec, timeout, tmp_path))`` asks the session's
launcher process to run a clause's scenario: the launcher forks worker
processes, each of which builds its own store from the SPEC string, and hands
back what every worker logged; ``checks`` judges the logs against exact
invariants. Nothing here imports pytest.
"""

from __future__ import annotations

from .checks import CHECKS, Outcome, Target, applicable, run_check
from .launcher import shutdown
from .target import LEVELS

__all__ = ["CHECKS", "LEVELS", "Outcome", "Target", "applicable", "run_check", "shutdown"]
