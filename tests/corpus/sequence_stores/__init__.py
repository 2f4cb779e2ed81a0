"""Stores that pass every parametrised clause test and break only on a sequence of operations.

Each module holds one store, exposed as ``Store`` (a TokenStore subclass or a
factory taking ``tmp_path``), with one realistic fault that shows only after
three or more operations, and declares in ``EXPECT`` the clauses the lifecycle
failure may name (``lifecycle``). ``tests/kit/test_lifecycle.py`` checks that the kit's
one-clause tests all pass on them (``byid_cache`` now also fails the warm-cache
clause test, written later) and that the
lifecycle state machine, in its default profile, catches every one.
"""
