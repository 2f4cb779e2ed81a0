"""Sequences of SDK operations, checked step by step against a model of the contract.

The other contract tests each check one clause from an empty store; this one
lets Hypothesis choose whole sequences (logins, refreshes, lookups, deletes,
restarts) and fails on the first step where the store and the model differ.
"""

from __future__ import annotations

import pytest

from tokenstore_conformance.lifecycle.failures import LifecycleStopped
from tokenstore_conformance.lifecycle.runner import run_lifecycle


@pytest.mark.clause("LIFECYCLE")
def test_lifecycle_sequences_agree_with_the_model(store_factory, tokenstore_settings, request):
    settings = tokenstore_settings
    # Examples that random seeds found are kept under pytest's cache, not in the working directory.
    cache = getattr(request.config, "cache", None)
    database_dir = cache.mkdir("tokenstore-lifecycle") if cache is not None else None
    try:
        run_lifecycle(
            store_factory,
            settings.profile,
            settings.seed,
            settings.drawn,
            settings.allow_existing,
            settings.rerun_command(store_factory.name),
            database_dir,
        )
    except LifecycleStopped as exc:
        pytest.fail(str(exc), pytrace=False)
