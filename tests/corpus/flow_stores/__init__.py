"""Stores that pass the six-method contract's spirit in most ways but break the SDK flow.

Each module exposes ``Store`` and changes one thing about a reference store,
so the fault it adds is the only difference from a store that works with the
SDK. ``tests/kit/test_sdk_flow.py`` runs the kit's SDK-flow group on them alone
and checks which FLOW clauses it reports.
"""
