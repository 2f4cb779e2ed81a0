"""The concurrency checks, one per clause: what runs, how it is judged, and what a failure says.

This is the engine's interface for the pytest side: ``applicable`` says
whether a clause applies to a store's declarations, ``run_check`` runs the
clause's scenario in the session's launcher and returns an ``Outcome``. No
store call happens in the calling process.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from ..flags import TIMEOUT, flag
from ..target.spec import SINGLE_USER_ATTRIBUTE
from . import durability, verdicts, visibility
from .launcher import Launcher, shared_launcher
from .target import LEVELS, network

# Hard limit on one clause, beyond the per-call timeout, so that nothing runs away.
DEADLINE_SECONDS = 60.0


@dataclass(frozen=True)
class Target:
    """The store under test as a child process must rebuild it."""

    spec: str
    timeout: float
    tmp_path: str | None

    def to_json(self) -> dict:
        return {
            "spec": self.spec,
            "timeout": self.timeout,
            "tmp_path": self.tmp_path,
            "cwd": os.getcwd(),
            "sys_path": list(sys.path),
        }


@dataclass(frozen=True)
class Check:
    clause: str
    level: str  # the lowest declared level the clause applies to
    scenario: str
    params: dict
    doing: str  # what the workers were doing, for messages about crashes and hangs
    judge: Callable[[dict], tuple[str, list[str]]]
    persistent: bool = False  # applies only to stores declared persistent
    one_user: bool = False  # needs one user at a time, so applies to a store declared single-user too


@dataclass
class Outcome:
    clause: str
    headline: str
    problems: list[str]
    seconds: float
    stderr: str = ""
    figures: dict[str, object] = field(default_factory=dict)
    build_failed: bool = False  # a worker could not build the store, so the check never ran
    blocker: str = ""  # the clause whose fault stopped the check (NET-LOOPBACK), if not its own

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def message(self) -> str:
        lines = [f"{self.headline}:", *(f"  - {p}" for p in self.problems)]
        if self.stderr.strip():
            lines += ["what the store's processes wrote to stderr:", self.stderr.rstrip()]
        return "\n".join(lines)


def _check(clause, level, scenario, params, doing, judge, persistent=False, one_user=False) -> Check:
    return Check(clause, level, scenario, params, doing, judge, persistent, one_user)


CHECKS = {
    c.clause: c
    for c in [
        _check(
            "CONC-THREADS-DISTINCT",
            "threads",
            "threads-distinct",
            {"threads": 8, "per_thread": 3},
            "8 threads saved 3 distinct users each at once",
            lambda r: verdicts.distinct(r, "thread"),
        ),
        _check(
            "CONC-THREADS-SAME-USER",
            "threads",
            "threads-same-user",
            {"threads": 8, "rounds": 6, "most": 200, "seconds": 0.5},
            "8 threads saved the same user at once",
            lambda r: verdicts.same_user(r, "thread"),
            one_user=True,
        ),
        _check(
            "CONC-THREADS-READ",
            "threads",
            "threads-read",
            {"writers": 3, "readers": 4, "users": 4, "saves": 10, "reads": 60, "seconds": 0.5},
            "4 threads looked users up while 3 threads updated them",
            lambda r: verdicts.read(r, "thread", "r", 4),
        ),
        _check(
            "CONC-PROC-DISTINCT",
            "processes",
            "proc-distinct",
            {"processes": 8, "per_process": 25},
            "8 processes saved 25 distinct users each at once",
            lambda r: verdicts.distinct(r, "process"),
            persistent=True,
        ),
        _check(
            "CONC-PROC-SAME-USER",
            "processes",
            "proc-same-user",
            {"processes": 4, "rounds": 20, "most": 100, "seconds": 0.5},
            "4 processes saved the same user at once",
            lambda r: verdicts.same_user(r, "process"),
            persistent=True,
            one_user=True,
        ),
        _check(
            "CONC-PROC-READ",
            "processes",
            "proc-read",
            {"writers": 2, "readers": 3, "users": 4, "saves": 10, "reads": 60, "seconds": 0.5},
            "3 processes looked users up while 2 processes updated them",
            lambda r: verdicts.read(r, "process", "m", 4),
            persistent=True,
        ),
        _check(
            "CONC-PROC-UPDATE",
            "processes",
            "proc-update",
            {"pairs": 2, "updates": 20},
            "2 pairs of processes updated different fields of one record",
            visibility.update,
            persistent=True,
        ),
        _check(
            "CONC-PROC-VISIBLE",
            "processes",
            "proc-visible",
            {},
            "one process looked up what another had just saved",
            visibility.visible,
            persistent=True,
        ),
        _check(
            "CRASH-DURABLE",
            "processes",
            "crash",
            {"cycles": 8, "users": 20, "kill_after_ms": [5.0, 150.0]},
            "a process saved tokens until it was killed",
            durability.crash,
            persistent=True,
        ),
        # Judged with the fake Zoho server's request log: refresh.check runs it, not run_check.
        _check(
            "FLOW-CONCURRENT-REFRESH",
            "processes",
            "flow-refresh",
            {"workers": 8, "rounds": 4},
            "8 processes refreshed expired tokens through the SDK at once",
            lambda r: ("", []),
            persistent=True,
        ),
    ]
}


def applicable(
    clause: str, declared: str, persistent: bool, single_user: bool = False, defaulted: bool = False
) -> str | None:
    """Why a clause does not apply to a store with these declarations, and what to declare to run it.

    ``defaulted``: the store declares no level, so ``declared`` is the default.
    """
    check = CHECKS[clause]
    if single_user and not check.one_user:
        return f"the store declares {SINGLE_USER_ATTRIBUTE} = True; {clause} needs several users at once"
    if LEVELS.index(declared) < LEVELS.index(check.level):
        said = (
            f"the store declares no tokenstore_concurrency, and {declared!r} is the default for a store "
            "that is not persistent"
            if defaulted
            else f"the store declares tokenstore_concurrency = {declared!r}"
        )
        wanted = f"tokenstore_concurrency = {check.level!r}"
        if check.persistent and not persistent:
            wanted += " and tokenstore_persistent = True"
        return (
            f"{said}; {clause} applies to stores declared {check.level!r}"
            + (" or 'processes'" if check.level == "threads" else "")
            + f" (declare {wanted} to run it)"
        )
    if check.persistent and not persistent:
        return (
            "the store declares tokenstore_concurrency = 'processes' but not tokenstore_persistent = True; "
            "processes share tokens only through storage that instances share, so declare both"
        )
    if not hasattr(os, "fork"):
        return "the concurrency clauses start their workers with os.fork, which this platform does not have"
    return None


def run_check(clause: str, target: Target, launcher: Launcher | None = None, **overrides: object) -> Outcome:
    """Run one clause's scenario on the store and judge it; no store call happens in this process."""
    check = CHECKS[clause]
    params = dict(check.params, **overrides)
    if check.scenario == "crash":
        params.setdefault("seed", random.SystemRandom().randrange(2**32))
    seconds = DEADLINE_SECONDS + 3 * target.timeout
    result = (launcher or shared_launcher()).run(check.scenario, target.to_json(), params, seconds)
    stderr = result.get("stderr", "")
    if "problem" in result:
        return stopped(clause, result, check.doing)
    headline, problems = check.judge(result)
    return Outcome(clause, headline, problems, result["seconds"], stderr if problems else "")


def stopped(clause: str, result: dict, doing: str) -> Outcome:
    """The outcome of a check that could not finish, from the launcher's ``problem``."""
    problem = result["problem"]
    blocker = network.CLAUSE if "refused" in problem else ""
    return Outcome(
        clause,
        "the check stopped",
        [describe_problem(problem, doing)],
        result["seconds"],
        result.get("stderr", ""),
        blocker=blocker,
        build_failed="build_error" in problem,
    )


def describe_problem(problem: dict, doing: str) -> str:
    """One line for a check that could not finish: the store did not build, crashed or hung."""
    if "refused" in problem:
        return f"{problem['refused']} (in a worker process, during {problem['during']}, while {doing})"
    if "build_error" in problem:
        return (
            f"a worker process could not build the store: {problem['build_error']}; concurrency checks "
            "build the store from its SPEC in every process, so its module must be importable there"
        )
    if "hung" in problem:
        return (
            f"{problem['hung']} did not return within {problem['seconds']:g}s while {doing}; the store may "
            f"wait for a lock that is never released (raise {flag(TIMEOUT)} if it is only slow)"
        )
    if "died" in problem:
        how = problem["died"] or "ended"
        if how.startswith("killed by "):
            return f"the store crashed the interpreter ({how.removeprefix('killed by ')}) while {doing}"
        return f"a worker process {how} while {doing}, before it answered (does the store exit the process?)"
    if "deadline" in problem:
        waiting = "; ".join(f"worker {k}: {v}" for k, v in sorted(problem["waiting"].items()))
        return f"the check did not finish within {problem['deadline']:g}s while {doing} (still waiting on {waiting})"
    trace = problem.get("trace", "")
    return f"the check could not go on: {problem.get('error')}" + (f"\n{trace}" if trace else "")
