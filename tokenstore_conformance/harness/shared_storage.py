"""pytest-xdist and a store on a fixed path: refuse, since the workers would test each other's records.

A factory without ``tmp_path`` that keeps its tokens in a file, a database
or a server gives every worker the same storage: one worker's cleanup deletes
another's records mid-test and the verdicts differ from a serial run's. The
controller finds out before any worker starts: it builds two instances, saves
one token through the first and asks the second for it. The probe token is
deleted again by its id, so nothing of the user's is touched.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from ..flags import STORES, flag
from ..records.tokens import make_token, records_of
from ..target.spec import StoreSpec
from ..target.timeouts import StoreTimeout, call_with_timeout

PROBE_USER = "xdist-probe@tokenstore-conformance.invalid"


def under_xdist(config: pytest.Config) -> bool:
    """Whether this is the controller of a pytest-xdist run with workers (``-n N``, N > 0)."""
    workers = getattr(config.option, "numprocesses", None)
    return bool(workers) and not hasattr(config, "workerinput") and config.getoption("dist", "no") != "no"


def shared_between_instances(spec: StoreSpec) -> bool:
    """Whether a token saved through one instance is seen by a second one built the same way."""
    scratch = Path(tempfile.mkdtemp(prefix="tokenstore-probe-"))
    first = second = None
    try:
        first, second = spec.build(lambda: scratch), spec.build(lambda: scratch)
        probe = make_token(user_name=PROBE_USER, client_id="probe", refresh_token="probe-refresh")
        call_with_timeout(spec.timeout, first.store.save_token, probe)
        try:
            return PROBE_USER in _users(call_with_timeout(spec.timeout, second.store.get_tokens))
        finally:
            for record in records_of(call_with_timeout(spec.timeout, first.store.get_tokens) or []):
                if record.user_name == PROBE_USER and record.id is not None:
                    call_with_timeout(spec.timeout, first.store.delete_token, record.id)
    except (Exception, StoreTimeout):
        return False  # a store that cannot do this much fails its clauses; the run says so
    finally:
        for built in (second, first):
            if built is not None:
                built.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _users(tokens: object) -> set[str | None]:
    return {record.user_name for record in records_of(tokens or [])}


def refuse_shared(spec: StoreSpec) -> None:
    """Raise a one-line UsageError if pytest-xdist workers would share the store's storage."""
    if spec.wants_tmp_path or not shared_between_instances(spec):
        return
    raise pytest.UsageError(
        f"{flag(STORES)} {spec.name!r}: a second instance sees the tokens of the first, so pytest-xdist "
        "workers would share this store's storage and test each other's records; run it without -n, "
        "or give the factory a tmp_path parameter and keep the storage there"
    )
