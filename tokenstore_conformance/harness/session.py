"""Setting up a conformance run once ``--tokenstore`` names at least one store."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

from ..flags import ALLOW_EXISTING, STORES, TIMEOUT, flag
from ..target import network
from ..target.redaction import redact, remember_fields
from ..target.spec import SpecError, StoreBuildError, StoreSpec, load_spec
from ..target.timeouts import StoreTimeout, call_with_timeout
from . import fixtures, report
from .budget import RunBudget
from .collection import add_contract
from .expect import ExpectError, KnownFailures, read_expect
from .json_report import JsonReport
from .options import resolve
from .settings import SETTINGS_KEY, resolve_settings
from .shared_storage import refuse_shared, under_xdist
from .slowest import SlowestTests
from .terse import FailureGroups


def start(config: pytest.Config, specs: list[str], source: str) -> None:
    config.addinivalue_line("markers", "clause(id, ...): the TokenStore contract clause(s) a test checks")
    config.addinivalue_line(
        "markers", f"{fixtures.MULTI_USER}: a contract test that needs several users' records at once"
    )
    # pytest-socket warns on every refusal as well; NET-LOOPBACK reports them with their ports.
    config.addinivalue_line("filterwarnings", f"ignore:{network.LIBRARY_WARNING}:UserWarning")
    timeout = resolve(config, TIMEOUT).value  # needed before the stores are loaded
    try:
        loaded = [load_spec(spec, timeout) for spec in dict.fromkeys(specs)]
    except SpecError as exc:
        raise pytest.UsageError(redact(str(exc))) from None
    settings = resolve_settings(config, loaded, source)
    not_built: dict[str, str] = {}
    capabilities: dict[str, dict[str, object]] = {}
    for spec in loaded:
        try:
            with network.loopback_only(), warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=network.LIBRARY_WARNING)
                capabilities[spec.name] = check_empty(spec, settings.allow_existing)
        except StoreBuildError as exc:
            not_built[spec.name] = redact(str(exc))
    settings = replace(settings, specs=tuple(spec for spec in loaded if spec.name not in not_built))
    if under_xdist(config):
        with network.loopback_only():
            for spec in settings.specs:
                refuse_shared(spec)
    config.stash[SETTINGS_KEY] = settings
    add_contract(config)
    config.pluginmanager.register(fixtures, "tokenstore-fixtures")
    clause_report = report.ClauseReport(settings, not_built, capabilities)
    try:
        expected = (
            read_expect(settings.expect, clause_report.specs, settings.shown(settings.expect))
            if settings.expect
            else {}
        )
    except ExpectError as exc:
        raise pytest.UsageError(redact(str(exc))) from None
    clause_report.verdicts.expected.update(expected)
    config.pluginmanager.register(clause_report, "tokenstore-report")
    config.pluginmanager.register(RunBudget(settings.budget, clause_report.verdicts), "tokenstore-budget")
    config.pluginmanager.register(SlowestTests(), "tokenstore-slowest")
    config.pluginmanager.register(KnownFailures(settings, clause_report), "tokenstore-expect")
    config.pluginmanager.register(JsonReport(settings, clause_report, capabilities), "tokenstore-json")
    # Last: its report hook is the outermost, and sees each report as the others left it.
    config.pluginmanager.register(FailureGroups(settings), "tokenstore-terse")


def _held(spec: StoreSpec, store: object) -> list[object]:
    """What the store holds, asked under the time limit every other store call has."""
    return list(call_with_timeout(spec.timeout, store.get_tokens) or [])


def check_empty(spec: StoreSpec, allow_existing: bool) -> dict[str, object]:
    """Build the store once; stop the run if it already holds tokens the kit did not write.

    Returns what the store declares (persistent, concurrency, single user), for the header and the JSON report.

    Raises StoreBuildError if the store cannot be built at all: the run goes
    on for the other stores and reports this one as not built.
    """
    scratch = Path(tempfile.mkdtemp(prefix="tokenstore-guard-"))
    try:
        built = spec.build(lambda: scratch)
        remember_fields(built.store)
        try:
            declared = spec.declarations(built.store)
            # A generator, or None, is the boundary's to report in the tests; here only whether
            # the store holds anything matters.
            tokens = [] if allow_existing else _held(spec, built.store)
        finally:
            built.close()
    except StoreBuildError:
        raise
    except StoreTimeout:
        raise StoreBuildError(
            f"get_tokens() did not return within {spec.timeout:g}s when the kit checked that the store "
            "is empty before writing to it; check that it does not wait on a server or a lock "
            f"(or raise {flag(TIMEOUT)})"
        ) from None
    except Exception as exc:
        refused = network.take_refusals()
        detail = f"{refused[0].message()} (NET-LOOPBACK)" if refused else redact(str(exc))
        raise pytest.UsageError(
            f"{flag(STORES)} {spec.name!r}: get_tokens() raised {type(exc).__name__}: {detail}, so the "
            "kit cannot check that the store is empty before writing to it; fix get_tokens, or "
            f"pass {flag(ALLOW_EXISTING)} if the store holds nothing you need"
        ) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if tokens:
        raise pytest.UsageError(
            f"{flag(STORES)} {spec.name!r}: the store already holds {len(tokens)} token(s) the kit did "
            "not write; the kit saves and deletes tokens, so point it at an empty store "
            f"({flag(ALLOW_EXISTING)} runs anyway and DELETES them)"
        )
    return declared
