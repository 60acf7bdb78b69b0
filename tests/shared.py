"""Helpers the tests import by name (a module of its own: `conftest` is a different module in
each test folder, so importing from it depends on which folder's tests a worker ran first)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pgserver import PgOutsider, pg_query


def haven_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("HAVEN_")}
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONUTF8"] = "1"
    return env


def query(database: Path | str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Read the database as an outsider would: SQLite with the standard library, PostgreSQL
    with asyncpg on a thread of its own (`?` placeholders either way)."""
    if str(database).startswith("postgresql://"):
        return pg_query(str(database), sql, params)
    with sqlite3.connect(database) as conn:
        return [tuple(row) for row in conn.execute(sql, tuple(params))]


Databases = Callable[[str], "Path | str"]
"""The `database` fixture: a name ("x.db") -> where that database lives on the test's engine."""


def connect(database: Path | str) -> sqlite3.Connection | PgOutsider:
    """A connection of an outsider's own to the test's database on either engine (used as
    `with connect(db) as conn:`; the SQLite one commits when the block ends)."""
    if str(database).startswith("postgresql://"):
        return PgOutsider(str(database))
    return sqlite3.connect(database)
