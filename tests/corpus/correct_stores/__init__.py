"""Stores that are correct but unusual: every one must pass every clause of the contract.

Each module exposes its store as ``Store`` (a TokenStore subclass), or as
``make_store(tmp_path)`` when it keeps its data in files, so that every test
gets a fresh directory and a run leaves nothing behind, and declares
``EXPECT = Expect()``: nothing may fail. ``tests/kit/test_corpus.py``
runs the installed kit on all of them; a failure here is a false alarm.
"""
