"""Migration 021 rebuilds SQLite's schedules table (a new kind, "prompt", in its CHECK): every
schedule and every recorded firing survives it, so nothing posted before is posted again, and
the new kind is accepted after it (and only after it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage import database as database_module
from bot.storage.database import Database, migrations

SCHEDULE = (
    "INSERT INTO schedules (community_id, member_id, kind, platform, chat_id, spec, timezone, "
    "note, paused, created_by, created_at, thread_id) VALUES "
    "(NULL, NULL, ?, 'console', 'lounge', 'daily 09:00', 'UTC', ?, 0, NULL, "
    "'2026-01-01T00:00:00+00:00', ?)"
)


@pytest.mark.engines("sqlite")
async def test_schedules_and_their_firings_survive_the_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "haven.db"
    every = migrations()
    before = [m for m in every if m[0] < 21]
    monkeypatch.setattr(database_module, "migrations", lambda: before)
    old = Database(path)
    await old.open()
    await old.execute(SCHEDULE, ("checkin", "Time to check in", None))
    await old.execute(SCHEDULE, ("rules", None, "42"))
    for n in range(3):
        await old.execute(
            "INSERT INTO firings (schedule_id, fire_time, recorded_at) VALUES (1, ?, ?)",
            (f"2026-01-0{n + 1}T09:00:00+00:00", "2026-01-01T09:00:01+00:00"),
        )
    with pytest.raises(sqlite3.IntegrityError):  # no such kind yet
        await old.execute(SCHEDULE, ("prompt", "writing", None))
    await old.close()

    monkeypatch.setattr(database_module, "migrations", lambda: every)
    new = Database(path)
    await new.open()
    await new.execute(SCHEDULE, ("prompt", "writing", None))
    await new.close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, kind, note, thread_id FROM schedules ORDER BY id")
        assert rows.fetchall() == [
            (1, "checkin", "Time to check in", None),
            (2, "rules", None, "42"),
            (3, "prompt", "writing", None),
        ]
        assert conn.execute("SELECT COUNT(*) FROM firings WHERE schedule_id = 1").fetchone() == (3,)
        indexes = {r[1] for r in conn.execute("PRAGMA index_list(schedules)")}
        assert {"schedules_by_community", "schedules_by_member", "schedules_by_creator"} <= indexes
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM schedules WHERE id = 1")  # the cascade still holds
        assert conn.execute("SELECT COUNT(*) FROM firings").fetchone() == (0,)
