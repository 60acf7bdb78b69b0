"""What community milestones are counted from, and the ledger of community celebrations.

Only members who gave consent are counted (a member who withdrew still has check-ins until
they erase them, and those no longer count). Nothing here returns a mood.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.database import stamp, unstamp
from bot.storage.people import (
    COMMUNITY_COLUMNS,
    MEMBER_COLUMNS,
    CommunityRow,
    MemberRow,
    community_row,
    member_row,
)
from bot.storage.store import Engine


@dataclass(frozen=True)
class Totals:
    checkins: int
    members: int  # distinct members whose check-ins make up `checkins`


@dataclass(frozen=True)
class Joined:
    member: MemberRow
    joined_at: datetime


def _prefixed(columns: str, alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in columns.split(", "))


class CommunityMilestoneRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def communities(self) -> list[tuple[CommunityRow, datetime]]:
        """Every community with the moment it came to Haven."""
        rows = await self.db.fetchall(
            f"SELECT {COMMUNITY_COLUMNS}, created_at FROM communities ORDER BY id"
        )
        return [(community_row(r), unstamp(r[-1])) for r in rows]

    async def totals(self, community_id: int) -> Totals:
        """Check-ins made in the community by consenting members, from the running counts
        (one row per member, whatever the history)."""
        row = await self.db.fetchone(
            "SELECT COALESCE(SUM(n.checkins), 0), COUNT(*) FROM checkin_counts n "
            "JOIN consents k ON k.member_id = n.member_id "
            "WHERE n.community_id = ? AND n.checkins > 0",
            (community_id,),
        )
        return Totals(int(row[0]), int(row[1])) if row else Totals(0, 0)

    async def kudos_between(self, community_id: int, since: datetime, until: datetime) -> int:
        """Kudos given in the community in [since, until), by index on community and time."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM kudos WHERE community_id = ? AND at >= ? AND at < ?",
            (community_id, stamp(since), stamp(until)),
        )
        return int(row[0]) if row else 0

    async def streaks(self, community_id: int) -> list[tuple[int, str, date, int, date | None]]:
        """(member id, zone, last day, current, grace day) of each consenting member's stored
        streak: one row per member (a streak is the member's own, wherever they checked in)."""
        rows = await self.db.fetchall(
            "SELECT s.member_id, s.timezone, s.last_day, s.current, s.grace_day "
            "FROM community_members cm "
            "JOIN consents k ON k.member_id = cm.member_id "
            "JOIN member_streaks s ON s.member_id = cm.member_id "
            "WHERE cm.community_id = ?",
            (community_id,),
        )
        return [
            (
                r[0],
                r[1],
                date.fromisoformat(r[2]),
                int(r[3]),
                date.fromisoformat(r[4]) if r[4] else None,
            )
            for r in rows
        ]

    async def joined(self, community_id: int) -> list[Joined]:
        """Consenting members of the community with the moment they joined it."""
        rows = await self.db.fetchall(
            f"SELECT {_prefixed(MEMBER_COLUMNS, 'm')}, cm.joined_at FROM community_members cm "
            "JOIN members m ON m.id = cm.member_id "
            "JOIN consents k ON k.member_id = m.id "
            "WHERE cm.community_id = ? ORDER BY m.id",
            (community_id,),
        )
        return [Joined(member_row(r), unstamp(r[-1])) for r in rows]

    async def celebrated(self, community_id: int) -> set[str]:
        rows = await self.db.fetchall(
            "SELECT key FROM community_celebrations WHERE community_id = ?", (community_id,)
        )
        return {r[0] for r in rows}

    async def mark_celebrated(self, community_id: int, key: str, now: datetime) -> bool:
        """True only for the first caller, so a community celebration goes out once."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO community_celebrations (community_id, key, at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (community_id, key, stamp(now)),
            )
            return cursor.rowcount == 1
