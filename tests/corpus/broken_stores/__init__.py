"""Stores that are correct but for one realistic fault, each named after its fault.

Each module exposes its store as ``Store``, or as ``make_store(tmp_path)`` when
it keeps its data in files, and declares what the kit must report:

- ``EXPECTED_CLAUSES``: the clause ids the fault breaks; each must be reported failed.
- ``COLLATERAL``: other clauses the same fault also breaks, because their tests
  go through the faulty code too. Together with ``EXPECTED_CLAUSES`` this is the
  exact set of failed clauses, so a change in the kit that starts or stops
  catching something shows up as a difference here.
- ``REFUSED_WITHOUT_ALLOW_EXISTING`` (optional): the kit refuses to start on the
  store unless ``--tokenstore-allow-existing`` is given.

Most start from ``correct_stores.dict_store.DictTokenStore`` or a reference
store and replace one method, so the fault is the only difference from a store
that passes. ``tests/kit/test_corpus.py`` runs the installed kit on all of them.
"""
