"""Schedule rows, the delivery ledger of firings, and member nudge settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import stamp, unstamp
from bot.storage.outbox import OutboxItem, insert_items
from bot.storage.store import Engine

COLUMNS = (
    "id, community_id, member_id, kind, platform, chat_id, spec, timezone, note, paused, "
    "created_at, created_by, thread_id"
)


@dataclass(frozen=True)
class ScheduleRow:
    id: int
    community_id: int | None
    member_id: int | None
    kind: str
    platform: str
    chat_id: str
    spec: str
    timezone: str
    note: str | None
    paused: bool
    created_at: datetime
    created_by: int | None = None  # the lead who made it: a summary goes to them
    thread_id: str | None = None  # the forum topic it posts in


def _row(r: object) -> ScheduleRow:
    x = r
    return ScheduleRow(
        x[0],
        x[1],
        x[2],
        x[3],
        x[4],
        x[5],
        x[6],
        x[7],
        x[8],
        bool(x[9]),  # type: ignore[index]
        unstamp(x[10]),
        x[11],  # type: ignore[index]
        x[12],  # type: ignore[index]
    )  # type: ignore[index]


@dataclass(frozen=True)
class NewSchedule:
    kind: str
    platform: str
    chat_id: str
    spec: str
    timezone: str
    community_id: int | None = None
    member_id: int | None = None
    note: str | None = None
    created_by: int | None = None
    thread_id: str | None = None


class ScheduleRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def add(self, s: NewSchedule, now: datetime) -> int:
        return await self.db.execute(
            "INSERT INTO schedules (community_id, member_id, kind, platform, chat_id, spec, "
            "timezone, note, created_by, created_at, thread_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                s.community_id,
                s.member_id,
                s.kind,
                s.platform,
                s.chat_id,
                s.spec,
                s.timezone,
                s.note,
                s.created_by,
                stamp(now),
                s.thread_id,
            ),
        )

    async def get(self, schedule_id: int) -> ScheduleRow | None:
        row = await self.db.fetchone(
            f"SELECT {COLUMNS} FROM schedules WHERE id = ?", (schedule_id,)
        )
        return _row(row) if row else None

    async def of_community(self, community_id: int) -> list[ScheduleRow]:
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM schedules WHERE community_id = ? AND member_id IS NULL "
            "ORDER BY id",
            (community_id,),
        )
        return [_row(r) for r in rows]

    async def reminder_of(self, member_id: int) -> ScheduleRow | None:
        row = await self.db.fetchone(
            f"SELECT {COLUMNS} FROM schedules WHERE member_id = ? AND kind = 'reminder'",
            (member_id,),
        )
        return _row(row) if row else None

    async def active_since(self) -> list[tuple[ScheduleRow, datetime | None]]:
        """Every active schedule with its latest firing (None: never fired), in one statement
        (the latest firing is an index search per row): read once at start."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS}, (SELECT MAX(f.fire_time) FROM firings f "
            "WHERE f.schedule_id = schedules.id) FROM schedules WHERE paused = 0 ORDER BY id"
        )
        return [(_row(r), unstamp(r[-1]) if r[-1] else None) for r in rows]

    async def active(self) -> list[ScheduleRow]:
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM schedules WHERE paused = 0 ORDER BY id"
        )
        return [_row(r) for r in rows]

    async def set_paused(self, schedule_id: int, paused: bool) -> None:
        await self.db.execute(
            "UPDATE schedules SET paused = ? WHERE id = ?", (int(paused), schedule_id)
        )

    async def remove(self, schedule_id: int) -> None:
        await self.db.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,))

    async def record_firing(
        self, schedule_id: int, fire_time: datetime, items: list[OutboxItem], now: datetime
    ) -> bool:
        """Ledger row and outbox rows in one transaction; False if this firing happened."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO firings (schedule_id, fire_time, recorded_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (schedule_id, stamp(fire_time), stamp(now)),
            )
            if cursor.rowcount != 1:
                return False
            await insert_items(conn, items, now)
        return True

    async def firings(self, schedule_id: int) -> list[datetime]:
        rows = await self.db.fetchall(
            "SELECT fire_time FROM firings WHERE schedule_id = ? ORDER BY fire_time",
            (schedule_id,),
        )
        return [unstamp(r[0]) for r in rows]

    async def mark_unreachable(self, member_id: int, now: datetime | None) -> None:
        await self.db.execute(
            "UPDATE members SET unreachable_at = ? WHERE id = ?",
            (stamp(now) if now else None, member_id),
        )

    async def nudge_state(self, member_id: int) -> tuple[datetime | None, datetime | None]:
        """(unreachable since, nudges paused until) for a member."""
        row = await self.db.fetchone(
            "SELECT unreachable_at, nudges_paused_until FROM members WHERE id = ?", (member_id,)
        )
        if row is None:
            return None, None
        return (unstamp(row[0]) if row[0] else None, unstamp(row[1]) if row[1] else None)

    async def pause_nudges(self, member_id: int, until: datetime | None) -> None:
        await self.db.execute(
            "UPDATE members SET nudges_paused_until = ? WHERE id = ?",
            (stamp(until) if until else None, member_id),
        )
