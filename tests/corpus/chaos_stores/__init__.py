"""Stores whose methods return values of the wrong shape or raise: the boundary's corpus.

Each store is a correct dict store with one method replaced by a behaviour
from ``chaos.BEHAVIOURS``. The kit must report the clauses that own that
method's behaviour and nothing else, and no failure may end in the kit's
own code (``tests/test_chaos_corpus.py``).
"""
