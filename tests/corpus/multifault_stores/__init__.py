"""Stores with several faults at once, written the way third-party stores get them wrong together.

The stores in ``tests/corpus/broken_stores`` each add one fault to a correct base, so
each shows what the kit says about that fault alone. Real custom stores are
written in an afternoon from the SDK's sample and carry two or three faults at
once, and then one fault can hide another or make another clause's test fail.
Each module here is a complete small store (sqlite3 or a dict, no correct base
class) and declares what the kit must report in ``EXPECT = Expect(...)``
(``tests/support/corpus.py``):

- ``bugs``: each planted fault, by a short name, and the root-fault clauses it
  must produce (reported failed, or warned for a SHOULD clause). A fault whose
  every test is stopped by another fault's precondition produces none: its
  clauses are in ``blocked``. ``fails`` is the union of the ``bugs`` sets.
- ``collateral`` (optional): other clauses the same faults also fail, each
  argued in a comment; together with ``fails`` this is the exact set of
  failed clauses.
- ``blocked`` (optional): the exact set of clauses reported ``blocked by``
  another clause.

The LIFECYCLE, FLOW-*, CONC-* and CRASH-* rows are left out, as in
``tests/kit/test_corpus.py``. ``tests/kit/test_multifault_corpus.py`` runs the
installed kit on all of them in one child run.
"""
