"""What community milestones are counted from, and the ledger of community celebrations.

Only members who gave consent are counted (a member who withdrew still has check-ins until
they erase them, and those no longer count). Nothing here returns a mood.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import Database, stamp, unstamp
from bot.storage.people import (
    COMMUNITY_COLUMNS,
    MEMBER_COLUMNS,
    CommunityRow,
    MemberRow,
    community_row,
    member_row,
)


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
    def __init__(self, db: Database) -> None:
        self.db = db

    async def communities(self) -> list[tuple[CommunityRow, datetime]]:
        """Every community with the moment it came to Haven."""
        rows = await self.db.fetchall(
            f"SELECT {COMMUNITY_COLUMNS}, created_at FROM communities ORDER BY id"
        )
        return [(community_row(r), unstamp(r[-1])) for r in rows]

    async def totals(self, community_id: int) -> Totals:
        row = await self.db.fetchone(
            "SELECT COUNT(*), COUNT(DISTINCT c.member_id) FROM checkins c "
            "JOIN consents k ON k.member_id = c.member_id WHERE c.community_id = ?",
            (community_id,),
        )
        return Totals(int(row[0]), int(row[1])) if row else Totals(0, 0)

    async def moments(self, community_id: int) -> dict[int, list[datetime]]:
        """Every check-in moment of each consenting member of the community, by member id (a
        streak is the member's own, wherever they checked in)."""
        rows = await self.db.fetchall(
            "SELECT c.member_id, c.at FROM community_members cm "
            "JOIN consents k ON k.member_id = cm.member_id "
            "JOIN checkins c ON c.member_id = cm.member_id "
            "WHERE cm.community_id = ? ORDER BY c.member_id, c.at",
            (community_id,),
        )
        found: dict[int, list[datetime]] = {}
        for member_id, at in rows:
            found.setdefault(member_id, []).append(unstamp(at))
        return found

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
