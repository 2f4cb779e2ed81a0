"""Stores that pass every single-threaded clause but break under threads, processes or a kill.

Each module declares ``EXPECT = Expect(fails=...)``, the concurrency clauses the
kit must report as failed for it (``Expect()`` for the correct stores, which must
pass every clause), plus any ``may_also_fail`` that a race exposes in some runs
only, and names its store ``Store`` or ``make_store``.
"""
