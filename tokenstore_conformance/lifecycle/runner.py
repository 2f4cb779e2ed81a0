"""Running the lifecycle state machine for one store: settings, seed, example database, and the failure shown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, Phase, configuration, seed, settings
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.stateful import run_state_machine_as_test

from ..flags import SEED, flag
from .database import PerStoreDatabase
from .failures import LifecycleStopped, ShrinkingOutOfTime, add_note
from .machine import LifecycleMachine
from .profiles import RANDOM, Profile
from .reproducible import without_local_constants
from .state import Run, StoreSource


def run_lifecycle(
    source: StoreSource,
    profile: Profile,
    chosen_seed: int,
    drawn: bool,
    allow_existing: bool,
    rerun_command: str,
    storage: Path,
    keep_examples: bool,
) -> None:
    """Run the state machine against the source's store; raise the failure with the command that reruns it.

    A fixed seed reproduces anywhere, so nothing is read from or written to
    the example database; a drawn seed also replays what earlier random runs
    of this store found, under the store's own key, when ``keep_examples``.
    Whatever Hypothesis writes (its example database, its cache of constants)
    goes to ``storage``, never to a ``.hypothesis`` folder in the working directory.
    """
    database = None
    if drawn and keep_examples:
        database = PerStoreDatabase(DirectoryBasedExampleDatabase(str(storage / "examples")), source.name)
    run = Run(source, allow_existing, profile.shrink_seconds)

    @seed(chosen_seed)
    def machine() -> LifecycleMachine:
        return LifecycleMachine(run)

    chosen = settings(
        max_examples=profile.max_examples,
        stateful_step_count=profile.steps,
        deadline=None,
        derandomize=False,
        database=database,
        report_multiple_bugs=False,
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        print_blob=False,
    )
    try:
        with _hypothesis_home(storage), without_local_constants():
            run_state_machine_as_test(machine, settings=chosen)
    except BaseException as exc:
        if run.stop is None:
            if isinstance(exc, Exception):
                add_note(exc, _rerun(rerun_command, database))
            raise
    rerun = _rerun(rerun_command, database)
    if isinstance(run.stop, ShrinkingOutOfTime) and run.shortest is not None:
        story, failure = run.shortest
        steps = "\n".join(f"  {line}" for line in story)
        add_note(
            failure,
            f"Shrinking stopped after {profile.shrink_seconds:g}s of CPU time (the {profile.name} profile's limit); "
            f"the shortest failing sequence found:\n{steps}",
        )
        add_note(failure, rerun)
        raise failure from None
    if run.stop is not None:
        # A stop before the first step (storage that could not be emptied) has no sequence to rerun.
        text = f"{run.stop}\n\n{rerun}" if run.stop.steps_taken else str(run.stop)
        raise LifecycleStopped(text, owner=run.stop.owner)


@contextmanager
def _hypothesis_home(storage: Path) -> Iterator[None]:
    """Point Hypothesis's storage at ``storage`` for the run, and back at what it was afterwards."""
    previous = getattr(configuration, "__hypothesis_home_directory", None)
    configuration.set_hypothesis_home_dir(storage)
    try:
        yield
    finally:
        configuration.set_hypothesis_home_dir(previous)


def _rerun(command: str, database: PerStoreDatabase | None) -> str:
    text = f"Run this sequence again with:\n  {command}"
    if database is not None and database.replayed:
        text += (
            f"\n(this run first replayed {database.replayed} example(s) that earlier random runs saved; "
            f"if the command above passes, the failure is one of them: run with {flag(SEED)}="
            f"{RANDOM} again, which replays them first)"
        )
    return text
