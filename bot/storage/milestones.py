"""Personal milestones and the ledger of celebrations already sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.database import stamp, unstamp
from bot.storage.store import Engine


@dataclass(frozen=True)
class MilestoneRow:
    id: int
    member_id: int
    label: str
    start: date
    chat_platform: str | None
    chat_id: str | None
    created_at: datetime
    next_due: date | None  # the local day of the next mark not yet celebrated


NEVER = date(9999, 12, 31)  # next_due once every mark has passed


COLUMNS = "id, member_id, label, start_date, chat_platform, chat_id, created_at, next_due"


def _row(r: object) -> MilestoneRow:
    x = r
    return MilestoneRow(
        x[0],
        x[1],
        x[2],
        date.fromisoformat(x[3]),
        x[4],
        x[5],
        unstamp(x[6]),  # type: ignore[index]
        date.fromisoformat(x[7]) if x[7] else None,  # type: ignore[index]
    )


class MilestoneRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def add(
        self,
        member_id: int,
        label: str,
        start: date,
        chat: tuple[str, str] | None,
        now: datetime,
        next_due: date,
    ) -> int:
        platform, chat_id = chat if chat else (None, None)
        return await self.db.execute(
            "INSERT INTO milestones (member_id, label, start_date, chat_platform, chat_id, "
            "created_at, next_due) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                member_id,
                label,
                start.isoformat(),
                platform,
                chat_id,
                stamp(now),
                next_due.isoformat(),
            ),
        )

    async def coming_due(self, by: date) -> list[MilestoneRow]:
        """Milestones whose next mark falls on or before `by` (or is not worked out yet)."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM milestones WHERE next_due IS NULL OR next_due <= ?",
            (by.isoformat(),),
        )
        return [_row(r) for r in rows]

    async def set_next_due(self, milestone_id: int, day: date) -> None:
        await self.db.execute(
            "UPDATE milestones SET next_due = ? WHERE id = ?", (day.isoformat(), milestone_id)
        )

    async def remove(self, member_id: int, milestone_id: int) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM milestones WHERE id = ? AND member_id = ?", (milestone_id, member_id)
            )
            return cursor.rowcount == 1

    async def of_member(self, member_id: int) -> list[MilestoneRow]:
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM milestones WHERE member_id = ? ORDER BY start_date, id",
            (member_id,),
        )
        return [_row(r) for r in rows]

    async def mark_celebrated(self, member_id: int, key: str, now: datetime) -> bool:
        """True only for the first caller, so a celebration goes out once."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO celebrations (member_id, key, at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (member_id, key, stamp(now)),
            )
            return cursor.rowcount == 1
