"""Paths as the kit prints them: relative to the working directory when they are under it.

A user reads the kit's lines in a terminal opened in their project and pastes
what they show (``pytest tests/test_x.py::test_y``, ``cat report.json``).
Absolute paths are long and differ from machine to machine (a CI log's
``/home/runner/work/...``); a path outside the working directory stays as it
is, since ``../../..`` would say less than the path itself.
"""

from __future__ import annotations

import os
from pathlib import Path


def relative_inside(path: Path | str, cwd: Path) -> str | None:
    """``path`` relative to ``cwd`` (POSIX separators) if it is inside it, else None."""
    try:
        resolved = Path(os.path.abspath(Path(cwd, path)))
        base = Path(os.path.abspath(cwd))
    except (OSError, ValueError, TypeError):
        return None
    if resolved == base:
        return "."
    if base in resolved.parents:
        return resolved.relative_to(base).as_posix()
    return None


def shown_path(path: Path | str, cwd: Path) -> str:
    """``path`` relative to ``cwd`` if it is inside it, else as given."""
    inside = relative_inside(path, cwd)
    return str(path) if inside is None else inside


def shown_test(nodeid: str, path: Path | str | None, cwd: Path) -> str:
    """A test's node id with its file part relative to ``cwd``, when the test's file (``path``) is inside it.

    pytest's node ids are relative to the rootdir, which is not always the
    working directory; outside it the node id stays as pytest wrote it.
    """
    inside = None if path is None else relative_inside(path, cwd)
    if inside is None or inside == ".":
        return nodeid
    _, sep, rest = nodeid.partition("::")
    return f"{inside}{sep}{rest}"


def node_in_root(nodeid: str, rootpath: Path, cwd: Path) -> str:
    """``shown_test`` for a node id alone: its file is taken to be under the rootdir, as pytest's are."""
    return shown_test(nodeid, rootpath / nodeid.partition("::")[0], cwd)
