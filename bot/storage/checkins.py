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
        history_since: datetime,
    ) -> tuple[int, list[datetime]]:
        """Insert and commit, returning the new id and the member's check-in times since
        `history_since` (new one included) from the same statement: one round trip, so the
        whole check-in costs about what a bare insert-and-commit does."""
        rows = await self.db.write_returning(
            "INSERT INTO checkins (member_id, community_id, mood, tags, note, at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id, "
            "(SELECT group_concat(c.at, ',') FROM checkins c WHERE c.member_id = ? AND c.at >= ?)",
            (
                member_id,
                community_id,
                mood,
                ",".join(tags),
                note or None,
                stamp(at),
                member_id,
                stamp(history_since),
            ),
        )
        checkin_id, history = rows[0][0], rows[0][1] or ""
        moments = {unstamp(text) for text in history.split(",") if text} | {at}
        return checkin_id, sorted(moments)

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

    async def checked_in_since(self, member_id: int, start: datetime) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM checkins WHERE member_id = ? AND at >= ? LIMIT 1",
            (member_id, stamp(start)),
        )
        return row is not None

    async def community_window(
        self, community_id: int, start: datetime, end: datetime
    ) -> list[tuple[int, int]]:
        """(member id, mood) of a community's check-ins in [start, end) by members whose consent
        stands (a member who withdrew is counted nowhere): for anonymous aggregates only;
        callers never show a row."""
        rows = await self.db.fetchall(
            "SELECT c.member_id, c.mood FROM checkins c "
            "JOIN consents k ON k.member_id = c.member_id "
            "WHERE c.community_id = ? AND c.at >= ? AND c.at < ?",
            (community_id, stamp(start), stamp(end)),
        )
        return [(r[0], r[1]) for r in rows]
