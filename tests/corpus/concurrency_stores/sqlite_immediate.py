"""Correct: every save is one BEGIN IMMEDIATE transaction, and a unique index keeps one record per user."""

from __future__ import annotations

from support.corpus import Expect

from ._sqlite import SQLiteFileStore

EXPECT = Expect()


def make_store(tmp_path) -> SQLiteFileStore:
    return SQLiteFileStore(tmp_path / "tokens.db")
