"""Stores that pass every single-threaded clause but break under threads, processes or a kill.

Each module declares ``EXPECTED_CLAUSES``, the concurrency clauses the kit
must report as failed for it (empty for the correct stores, which must pass
every clause they declare), and names its store ``Store`` or ``make_store``.
"""
