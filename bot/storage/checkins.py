"""Check-ins: a mood, optional feelings and an optional note, at a moment in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import Database, stamp, unstamp


@dataclass(frozen=True)
class CheckinRow:
    id: int
    mood: int
    tags: tuple[str, ...]
    has_note: bool
    at: datetime


class CheckinRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        member_id: int,
        community_id: int | None,
        mood: int,
        tags: tuple[str, ...],
        note: str | None,
        at: datetime,
    ) -> int:
        """Returns the new id only once the row is committed."""
        return await self.db.execute(
            "INSERT INTO checkins (member_id, community_id, mood, tags, note, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (member_id, community_id, mood, ",".join(tags), note or None, stamp(at)),
        )

    async def since(self, member_id: int, start: datetime) -> list[CheckinRow]:
        rows = await self.db.fetchall(
            "SELECT id, mood, tags, note IS NOT NULL, at FROM checkins "
            "WHERE member_id = ? AND at >= ? ORDER BY at",
            (member_id, stamp(start)),
        )
        return [
            CheckinRow(
                r[0], r[1], tuple(t for t in r[2].split(",") if t), bool(r[3]), unstamp(r[4])
            )
            for r in rows
        ]

    async def moments(self, member_id: int) -> list[datetime]:
        """Every check-in time, for streaks (retention keeps this to about a year)."""
        rows = await self.db.fetchall(
            "SELECT at FROM checkins WHERE member_id = ? ORDER BY at", (member_id,)
        )
        return [unstamp(r[0]) for r in rows]

    async def count(self, member_id: int) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM checkins WHERE member_id = ?", (member_id,)
        )
        return int(row[0]) if row else 0
