"""Copies of a SQLite database that are safe to take while Haven runs: SQLite's online backup
reads a consistent snapshot page by page beside the writer (WAL), into a new file that is
renamed into place only when whole, so a crash or a full disk never leaves half a backup
under the final name."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import datetime
from pathlib import Path

PAGES_PER_STEP = 1024  # the writer may commit between steps


def backup(source: Path, target: Path) -> Path:
    """Copy `source` to `target` (a folder means a dated name inside it); returns the file."""
    if not source.is_file():
        raise FileNotFoundError(f"no database at {source}")
    if target.is_dir():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = target / f"{source.stem}-{stamp}{source.suffix}"
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    with contextlib.suppress(OSError):  # the rename itself made durable, where possible
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return target


def before_migration(database: Path, number: int) -> Path:
    """Where the copy taken before migration `number` goes: beside the database."""
    return database.with_name(f"{database.stem}.before-migration-{number:03d}{database.suffix}")
