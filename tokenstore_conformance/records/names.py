"""User names that differ from a given name in one small way: what real stores' comparisons confuse.

The contract compares user names exactly, code point by code point. Stores
compare them in other ways: collations that ignore case, accents or trailing
spaces (SQLite's NOCASE, MySQL's ``*_ci`` collations), ``lower()`` or
``casefold()`` in an index, Unicode normalisation, ``strip()``, e-mail
canonicalisation (the domain's case, ``+tags``, dots, the ``:org-id`` the SDK
appends), LIKE or prefix matches, and columns that truncate. Each variant here
is a name that one such comparison takes for the original, and that the
contract calls another user.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

ACCENTED = str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ")
WIDTH = 255  # a common VARCHAR width; names beyond it collide in a column that truncates


def _parts(name: str) -> tuple[str, str] | None:
    """(local part, everything after the last @) of an e-mail-like name, or None."""
    local, at, domain = name.rpartition("@")
    return (local, domain) if at and local and domain else None


def _swapped_case(name: str) -> str:
    return name.swapcase()


def _domain_case(name: str) -> str | None:
    parts = _parts(name)
    return f"{parts[0]}@{parts[1].swapcase()}" if parts else None


def _other_domain(name: str) -> str | None:
    parts = _parts(name)
    if parts is None:
        return None
    return f"{parts[0]}@{'example.org' if parts[1] != 'example.org' else 'example.net'}"


def _other_org(name: str) -> str:
    """The SDK stores ``email:org-id``; a store that keys by the e-mail alone merges two organisations."""
    email, colon, org = name.rpartition(":")
    if colon and org.isdigit():
        return f"{email}:{int(org) + 1}"
    return f"{name}:70004000"


def _plus_tag(name: str) -> str | None:
    parts = _parts(name)
    return f"{parts[0]}+crm@{parts[1]}" if parts else None


def _dotted_local(name: str) -> str | None:
    parts = _parts(name)
    if parts is None or len(parts[0]) < 2:
        return None
    return f"{parts[0][0]}.{parts[0][1:]}@{parts[1]}"


def _normalised(form: str) -> Callable[[str], str]:
    def variant(name: str) -> str:
        return unicodedata.normalize(form, name)

    return variant


def _fullwidth(name: str) -> str | None:
    """The first ASCII letter or digit in its fullwidth form, which NFKC folds back."""
    for index, char in enumerate(name):
        if char.isascii() and char.isalnum():
            return name[:index] + chr(ord(char) + 0xFEE0) + name[index + 1 :]
    return None


def _accented(name: str) -> str | None:
    """The first vowel with an acute accent, which accent-insensitive collations ignore."""
    for index, char in enumerate(name):
        if char in "aeiouAEIOU":
            return name[:index] + char.translate(ACCENTED) + name[index + 1 :]
    return None


def _sharp_s(name: str) -> str | None:
    """``ss`` and ``ß``, which ``casefold()`` (not ``lower()``) takes for each other."""
    if "ß" in name:
        return name.replace("ß", "ss", 1)
    return name.replace("ss", "ß", 1) if "ss" in name else None


def _underscore(name: str) -> str | None:
    """One character replaced by ``_``, which a LIKE comparison matches against any character."""
    return name[:-1] + "_" if len(name) > 1 and name[-1] != "_" else None


def _long_tail(name: str) -> str | None:
    """For a name longer than a VARCHAR(255), the same name with its last character changed."""
    if len(name) <= WIDTH:
        return None
    return name[:-1] + ("b" if name[-1] != "b" else "c")


VARIANTS: dict[str, Callable[[str], str | None]] = {
    "swapped-case": _swapped_case,
    "domain-case": _domain_case,
    "other-domain": _other_domain,
    "other-org": _other_org,
    "plus-tag": _plus_tag,
    "dotted-local": _dotted_local,
    "trailing-space": lambda name: name + " ",
    "leading-space": lambda name: " " + name,
    "no-break-space": lambda name: name + "\u00a0",
    "zero-width-space": lambda name: name[:1] + "\u200b" + name[1:],
    "decomposed": _normalised("NFD"),
    "composed": _normalised("NFC"),
    "fullwidth": _fullwidth,
    "accented": _accented,
    "sharp-s": _sharp_s,
    "prefix": lambda name: name[:-1] if len(name) > 1 else None,
    "extended": lambda name: name + "0",
    "underscore": _underscore,
    "long-tail": _long_tail,
}


# The kinds by the comparison they trip; the state machine draws a family first, so that each kind
# of comparison gets the same share of its attempts whatever the number of kinds in its family.
FAMILIES: dict[str, tuple[str, ...]] = {
    "letter case": ("swapped-case", "domain-case", "sharp-s"),
    "e-mail canonicalisation": ("domain-case", "other-domain", "other-org", "plus-tag", "dotted-local"),
    "white space": ("trailing-space", "leading-space", "no-break-space", "zero-width-space"),
    "unicode normalisation": ("decomposed", "composed", "fullwidth", "accented"),
    "prefixes, patterns and widths": ("prefix", "extended", "underscore", "long-tail"),
}


def family_variant(name: str, kind: str) -> str:
    """The ``kind`` variant of ``name``, else another of its family's that applies, else the name extended."""
    family = next(kinds for kinds in FAMILIES.values() if kind in kinds)
    for candidate in (kind, *family, "extended"):
        variant = near_duplicate(name, candidate)
        if variant is not None:
            return variant
    raise AssertionError("the extended variant always applies")


def near_duplicate(name: str, kind: str) -> str | None:
    """The ``kind`` variant of ``name``, or None where that kind does not apply to it."""
    variant = VARIANTS[kind](name)
    return variant if variant and variant != name else None


def near_duplicates(name: str) -> dict[str, str]:
    """Every variant of ``name`` that applies to it, by kind."""
    found = {kind: near_duplicate(name, kind) for kind in VARIANTS}
    return {kind: variant for kind, variant in found.items() if variant is not None}


# Names the SDK stores (``email:org-id``) with something for every variant to change:
# letters of both cases, a composed accent, an "ss", a dot, and one name past 255 characters.
BASE_NAME = "Zoë.Strasse@Example.test:70004000"
LONG_NAME = "z" * 300 + "@example.test:70004000"


def near_duplicate_pairs() -> dict[str, tuple[str, str]]:
    """One (name, near-duplicate) pair per kind, for the clause tests."""
    pairs = {}
    for kind in VARIANTS:
        base = LONG_NAME if kind == "long-tail" else BASE_NAME
        if kind == "composed":
            base = unicodedata.normalize("NFD", BASE_NAME)
        variant = near_duplicate(base, kind)
        if variant is None:
            raise AssertionError(f"the near-duplicate kind {kind!r} does not apply to {base!r}")
        pairs[kind] = (base, variant)
    return pairs
