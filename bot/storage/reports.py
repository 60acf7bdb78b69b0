"""Messages reported to a group's leads: one row a message, however many report it, and who
reported it (read back only to count them and to refuse a second report from the same
member, never shown). The reported words go to the leads and are not stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import stamp
from bot.storage.store import Engine


@dataclass(frozen=True)
class ReportRow:
    id: int
    community_id: int
    link: str | None
    state: str  # open, handled


class ReportRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def find(self, community_id: int, ref: str) -> ReportRow | None:
        row = await self.db.fetchone(
            "SELECT id, community_id, link, state FROM reports "
            "WHERE community_id = ? AND message_ref = ?",
            (community_id, ref),
        )
        return ReportRow(*row) if row is not None else None

    async def get(self, report_id: int) -> ReportRow | None:
        row = await self.db.fetchone(
            "SELECT id, community_id, link, state FROM reports WHERE id = ?", (report_id,)
        )
        return ReportRow(*row) if row is not None else None

    async def reported_by(self, report_id: int, member_id: int) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM report_reasons WHERE report_id = ? AND member_id = ?",
            (report_id, member_id),
        )
        return row is not None

    async def add(
        self,
        community_id: int,
        ref: str,
        link: str | None,
        member_id: int,
        reason: str | None,
        now: datetime,
    ) -> tuple[int, int]:
        """The report (opened, or merged into the one about the same message and opened
        again) with this member's reason; returns its id and how many members reported it."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO reports (community_id, message_ref, link, state, created_at) "
                "VALUES (?, ?, ?, 'open', ?) ON CONFLICT (community_id, message_ref) "
                "DO UPDATE SET state = 'open', handled_at = NULL, handled_by = NULL "
                "RETURNING id",
                (community_id, ref, link, stamp(now)),
            )
            report_id = int((await cursor.fetchone())[0])
            await conn.execute(
                "INSERT INTO report_reasons (report_id, member_id, reason, at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (report_id, member_id) DO NOTHING",
                (report_id, member_id, reason, stamp(now)),
            )
            cursor = await conn.execute(
                "SELECT COUNT(*) FROM report_reasons WHERE report_id = ?", (report_id,)
            )
            count = int((await cursor.fetchone())[0])
        return report_id, count

    async def since(self, member_id: int, since: datetime) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM report_reasons WHERE member_id = ? AND at >= ?",
            (member_id, stamp(since)),
        )
        return int(row[0]) if row is not None else 0

    async def handle(self, report_id: int, member_id: int, now: datetime) -> bool:
        rows = await self.db.write_returning(
            "UPDATE reports SET state = 'handled', handled_at = ?, handled_by = ? "
            "WHERE id = ? AND state = 'open' RETURNING id",
            (stamp(now), member_id, report_id),
        )
        return bool(rows)
