"""What a corpus store must make the kit report, declared next to the store, and how tests find the stores.

Every store module under ``tests/corpus/*_stores`` declares ``EXPECT =
Expect(...)``; the tests and tools that run the corpus read it through
``discover``, so a store's verdict lives in one place, the file that plants
its fault, and no test keeps a list of stores of its own.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from support.layout import CORPUS_DIR


def _clauses(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise TypeError(f"a set of clause ids, not the string {value!r}")
    return frozenset(value)


@dataclass(frozen=True)
class Expect:
    """The clauses a store must fail, and what else its fault may show; every field defaults to nothing.

    A correct store declares ``Expect()``. Sets are given as any iterable of
    clause ids and kept as frozensets, so that an ``Expect`` can be compared
    and hashed (the tests key dicts by store).

    - ``fails``: the clauses the store's fault breaks. A test that runs the
      store requires each to be reported failed (or warned, for a SHOULD
      clause); it is also what counts as the corpus covering a clause.
    - ``collateral``: other clauses the fault also fails every time, because
      their tests go through the faulty code too, each argued in a comment in
      the store. Together with ``fails`` the exact set of failed clauses; kept
      apart so that a clause reached only as a side effect is not counted as
      covered, and a fault's own clauses stay readable.
    - ``may_also_fail``: clauses a race exposes in some runs and not others
      (concurrency stores). Allowed to fail, never required to.
    - ``blocked``: the exact set of clauses reported ``blocked by`` another
      clause: the fault stops their tests at another clause's precondition.
    - ``lifecycle``: the clauses the LIFECYCLE row may name for the store when
      the lifecycle state machine catches it (at least one must be named). Not
      empty exactly for the stores the lifecycle test must catch with a named
      clause.
    - ``refused_without_allow_existing``: the kit's start-up check fails on the
      store, so it refuses to run unless ``--tokenstore-allow-existing`` is given.
    - ``bugs``: for a store with several planted faults, each fault by a short
      name and the root clauses it produces. ``fails`` is their union, so it
      may be left out; given as well, it must agree.
    """

    fails: frozenset[str] = frozenset()
    collateral: frozenset[str] = frozenset()
    may_also_fail: frozenset[str] = frozenset()
    blocked: frozenset[str] = frozenset()
    lifecycle: frozenset[str] = frozenset()
    refused_without_allow_existing: bool = False
    # (name, clauses) pairs rather than a dict, so that the declaration stays hashable.
    bugs: tuple[tuple[str, frozenset[str]], ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("fails", "collateral", "may_also_fail", "blocked", "lifecycle"):
            object.__setattr__(self, name, _clauses(getattr(self, name)))
        pairs = self.bugs.items() if isinstance(self.bugs, Mapping) else self.bugs
        bugs = tuple((bug, _clauses(clauses)) for bug, clauses in pairs)
        object.__setattr__(self, "bugs", bugs)
        if bugs:
            union = frozenset().union(*(clauses for _, clauses in bugs))
            if self.fails and self.fails != union:
                raise ValueError(f"fails {sorted(self.fails)} is not the union of the bugs {sorted(union)}")
            object.__setattr__(self, "fails", union)

    def clauses(self) -> frozenset[str]:
        """Every clause id the declaration names, in any field."""
        return self.fails | self.collateral | self.may_also_fail | self.blocked | self.lifecycle


@dataclass(frozen=True)
class CorpusStore:
    """One store of the corpus: its module's name, the ``--tokenstore`` spec, and what it declares."""

    name: str
    spec: str
    expect: Expect

    @property
    def module(self) -> str:
        """The dotted module name, ``package.module``."""
        return self.spec.partition(":")[0]


def store_modules(package: str) -> list[str]:
    """The names of the store modules of a corpus package, sorted; ``_private`` helpers left out."""
    infos = pkgutil.iter_modules([str(CORPUS_DIR / package)])
    return sorted(info.name for info in infos if not info.name.startswith("_"))


def discover(package: str) -> list[CorpusStore]:
    """Every store of ``tests/corpus/<package>``, sorted by name, with the ``EXPECT`` its module declares.

    The spec names ``make_store`` where the module has one (a store that keeps
    its data in files takes the test's ``tmp_path``), else ``Store``.
    """
    stores = []
    for name in store_modules(package):
        module = importlib.import_module(f"{package}.{name}")
        attribute = "make_store" if hasattr(module, "make_store") else "Store"
        expect = getattr(module, "EXPECT", None)
        if not isinstance(expect, Expect):
            # Said here, at collection, rather than as an AttributeError deep in a test module's import.
            raise TypeError(f"{package}.{name} declares no EXPECT = Expect(...) (tests/support/corpus.py)")
        stores.append(CorpusStore(name, f"{package}.{name}:{attribute}", expect))
    return stores
