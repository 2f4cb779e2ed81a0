"""The SDK's own stores as bench targets, to compare a store with what it would replace.

``python -m tokenstore_conformance bench tokenstore_conformance.bench.sdk_stores:file_store``
measures the SDK's ``FileStore`` (a CSV file it reads whole on every lookup
and rewrites whole on every save). It is a bench target only: it does not pass
the contract (find_token_by_id raises where the contract wants None).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..sdk import FileStore


def file_store(tmp_path: Path) -> FileStore:
    """The SDK's FileStore on a new CSV file in ``tmp_path``, created owner-only."""
    path = tmp_path / "zoho_tokens.csv"
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    return FileStore(str(path))
