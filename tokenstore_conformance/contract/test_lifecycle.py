"""Sequences of SDK operations, checked step by step against a model of the contract.

The other contract tests each check one clause from an empty store; this one
lets Hypothesis choose whole sequences (logins, refreshes, lookups, deletes,
restarts) and fails on the first step where the store and the model differ.
"""

from __future__ import annotations

import pytest

from tokenstore_conformance.lifecycle.failures import LifecycleStopped
from tokenstore_conformance.lifecycle.runner import run_lifecycle
from tokenstore_conformance.records.preconditions import requires


@pytest.mark.clause("LIFECYCLE")
def test_lifecycle_sequences_agree_with_the_model(store_factory, tokenstore_settings, request, tmp_path):
    settings = tokenstore_settings
    # Hypothesis keeps its files under pytest's cache (where random seeds keep what they find,
    # for the next random run), or in the test's temporary directory without the cache plugin.
    cache = getattr(request.config, "cache", None)
    storage = cache.mkdir("tokenstore-lifecycle") if cache is not None else tmp_path
    try:
        run_lifecycle(
            store_factory,
            settings.profile,
            settings.seed,
            settings.drawn,
            settings.allow_existing,
            settings.rerun_command(store_factory.name),
            storage,
            keep_examples=cache is not None,
        )
    except LifecycleStopped as exc:
        requires("INSTANCE-REOPEN", exc.owner != "INSTANCE-REOPEN", str(exc))
        pytest.fail(str(exc), pytrace=False)
