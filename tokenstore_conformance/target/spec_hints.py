"""Hints for a SPEC that names nothing the kit can build: the names that exist, the dotted module.

A SPEC is typed by hand into a CI file; the usual mistakes are a typo after
the colon, a file path where a module name belongs, and a factory whose
parameter is not ``tmp_path``. Each error says what the user meant, not only
what is wrong.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable

from ..sdk import TokenStore

SHOWN_NAMES = 8


def dotted_module(module_name: str) -> str | None:
    """The module a path-style name means (``src/stores.py`` -> ``src.stores``); None for a module name."""
    if "/" not in module_name and "\\" not in module_name and not module_name.endswith(".py"):
        return None
    path = module_name.replace("\\", "/").removesuffix(".py")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return ".".join(parts) or None


def buildable_names(holder: object) -> list[str]:
    """The names in ``holder`` a SPEC could point at: TokenStore subclasses and callables defined there."""
    home = getattr(holder, "__name__", None)
    found = []
    for name, value in vars(holder).items():
        if name.startswith("_"):
            continue
        if inspect.isclass(value) and issubclass(value, TokenStore) and value is not TokenStore:
            found.append(name)
        elif inspect.isfunction(value) and value.__module__ == home:
            found.append(name)
    return sorted(found)


def attribute_hint(holder: object, wanted: str) -> str:
    """``did you mean 'make_store'?``, or the names there are, or that there are none."""
    names = buildable_names(holder)
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    if not names:
        return "it defines no TokenStore subclass and no function"
    more = f" and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else ""
    return f"it defines {', '.join(names[:SHOWN_NAMES])}{more}"


def parameters_the_kit_cannot_pass(target: Callable[..., object]) -> list[str]:
    """Required parameters other than ``tmp_path``: the kit calls a factory with ``tmp_path`` or nothing."""
    try:
        parameters = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in parameters
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "tmp_path"
    ]
