"""Stores that are correct but for one realistic fault, each named after its fault.

Each module exposes its store as ``Store``, or as ``make_store(tmp_path)`` when
it keeps its data in files, and declares what the kit must report in
``EXPECT = Expect(...)`` (``tests/support/corpus.py``):

- ``fails``: the clause ids the fault breaks; each must be reported failed.
- ``collateral``: other clauses the same fault also breaks, because their tests
  go through the faulty code too. Together with ``fails`` this is the exact
  set of failed clauses, so a change in the kit that starts or stops catching
  something shows up as a difference here.
- ``blocked``: the exact set of clauses reported blocked by another clause.
- ``lifecycle``: for a fault the lifecycle state machine must find as well, the
  clauses its failure may name.
- ``refused_without_allow_existing``: the kit refuses to start on the store
  unless ``--tokenstore-allow-existing`` is given.

Most start from ``correct_stores.dict_store.DictTokenStore`` or a reference
store and replace one method, so the fault is the only difference from a store
that passes. ``tests/kit/test_corpus.py`` runs the installed kit on all of them.
"""
