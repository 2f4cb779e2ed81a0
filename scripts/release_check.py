"""Refuse a release tag that does not match what the source says it releases.

Run by .github/workflows/release.yml before anything is built, from the root of
the checkout: ``python scripts/release_check.py v0.1.0``. A tag is released
only when the package's version is that tag without its ``v``, the version is
a release (not ``.dev``, not a local ``+...`` version, which PyPI refuses), and
CHANGELOG.md has a dated section for it, so what users install always has
notes that say what it holds. Exit 0 when it may be released, 1 with one line
per problem otherwise.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

VERSION_FILE = Path("tokenstore_conformance/__init__.py")
CHANGELOG = Path("CHANGELOG.md")


def version_in(source: str) -> str | None:
    found = re.search(r'^__version__ = "([^"]+)"$', source, re.MULTILINE)
    return found[1] if found else None


def problems(tag: str, version: str | None, changelog: str) -> list[str]:
    if version is None:
        return [f'no __version__ = "..." line in {VERSION_FILE}']
    found = []
    if tag != f"v{version}":
        found.append(f"tag {tag!r} does not match the version {version!r} in {VERSION_FILE}: tag v{version}")
    if re.search(r"\.dev\d*$|\+", version):
        found.append(
            f"{version} is a development or local version: set the release version in {VERSION_FILE}"
        )
    if not re.search(rf"^## {re.escape(version)} - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.MULTILINE):
        found.append(f"{CHANGELOG} has no section '## {version} - YYYY-MM-DD': date the release's notes")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python scripts/release_check.py TAG (for example v0.1.0)", file=sys.stderr)
        return 2
    version = version_in(VERSION_FILE.read_text(encoding="utf-8"))
    found = problems(argv[0], version, CHANGELOG.read_text(encoding="utf-8"))
    for problem in found:
        print(f"release_check: {problem}", file=sys.stderr)
    if not found:
        print(f"release_check: {argv[0]} releases tokenstore-conformance {version}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
