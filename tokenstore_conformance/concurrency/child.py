"""The launcher process: ``python -m tokenstore_conformance.concurrency.child``.

It reads one JSON request per line on stdin (a scenario, the store's SPEC and
where to build it), forks the scenario's actors, and answers with one JSON
line on its protocol channel. The launcher itself never calls a store, so a
store that crashes or hangs takes down only an actor, and the launcher
reports how. It exits when stdin closes, which happens when pytest ends,
however pytest ends.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
import warnings


def _answer(channel: int, message: dict) -> None:
    data = memoryview((json.dumps(message) + "\n").encode("utf-8"))
    while data:
        data = data[os.write(channel, data) :]


def serve() -> None:
    # The protocol gets a private copy of stdout; fd 1 itself points at stderr,
    # so that anything printed (by the store's module at import, say) cannot
    # corrupt an answer.
    channel = os.dup(1)
    os.dup2(2, 1)
    requests = os.fdopen(0, "r", encoding="utf-8")
    from . import scenarios
    from .target import factory_of, network

    # No connection leaves the machine from here or from the actors forked from here, which inherit
    # the guard and its log of refusals; actor.Calls reports a refusal as the worker's problem.
    network.install()
    warnings.filterwarnings("ignore", message=network.LIBRARY_WARNING)
    for line in requests:
        request = json.loads(line)
        target = request["target"]
        sys.path[:] = target["sys_path"]
        try:
            os.chdir(target["cwd"])
            # Import the store's module once here, so actors forked from this
            # process start at once, as workers of a preforking server do.
            factory_of(target["spec"], target["timeout"])
        except Exception as exc:
            refused = network.last_refusal()
            problem = (
                {"refused": refused.message(), "during": "importing the store's module"}
                if refused
                else {"build_error": f"{type(exc).__name__}: {exc}"}
            )
            _answer(channel, {"problem": problem})
            continue
        target = dict(target, launcher_fds=[channel, 0])
        try:
            result = scenarios.run(request["scenario"], target, request["params"], request["seconds"])
        except Exception:
            result = {
                "problem": {"error": "the check failed inside the launcher", "trace": traceback.format_exc()}
            }
        _answer(channel, result)


if __name__ == "__main__":
    serve()
