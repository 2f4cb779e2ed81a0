"""Correct: every save is one BEGIN IMMEDIATE transaction, and a unique index keeps one record per user."""

from __future__ import annotations

from ._sqlite import SQLiteFileStore

EXPECTED_CLAUSES: set[str] = set()


def make_store(tmp_path) -> SQLiteFileStore:
    return SQLiteFileStore(tmp_path / "tokens.db")
