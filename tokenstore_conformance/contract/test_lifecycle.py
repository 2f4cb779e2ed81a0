"""Sequences of SDK operations, checked step by step against a model of the contract.

The other contract tests each check one clause from an empty store; this one
lets Hypothesis choose whole sequences (logins, refreshes, lookups, deletes,
restarts) and fails on the first step where the store and the model differ.
"""

from __future__ import annotations

import pytest

from tokenstore_conformance.lifecycle import run_lifecycle


@pytest.mark.clause("LIFECYCLE")
def test_lifecycle_sequences_agree_with_the_model(store_factory, request):
    from tokenstore_conformance.session import ALLOW_EXISTING_KEY

    run_lifecycle(store_factory, request.config, request.config.stash[ALLOW_EXISTING_KEY])
