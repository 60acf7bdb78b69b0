"""Members, communities and who belongs where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import Database, stamp


@dataclass(frozen=True)
class MemberRow:
    id: int
    platform: str
    user_id: str
    name: str
    timezone: str | None
    country: str | None
    celebrate_public: bool


@dataclass(frozen=True)
class CommunityRow:
    id: int
    platform: str
    key: str
    title: str
    chat_id: str
    timezone: str | None
    country: str | None
    welcome: bool


MEMBER_COLUMNS = "id, platform, user_id, name, timezone, country, celebrate_public"
COMMUNITY_COLUMNS = "id, platform, key, title, chat_id, timezone, country, welcome"


def _member(row: object) -> MemberRow:
    r = row  # aiosqlite.Row indexes like a tuple
    return MemberRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]))  # type: ignore[index]


def _community(row: object) -> CommunityRow:
    r = row
    return CommunityRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]))  # type: ignore[index]


class MemberRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def ensure(self, platform: str, user_id: str, name: str, now: datetime) -> MemberRow:
        """Create on first sight and keep the display name current, in one statement."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO members (platform, user_id, name, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (platform, user_id) DO UPDATE SET name = excluded.name "
                "WHERE members.name != excluded.name",
                (platform, user_id, name, stamp(now)),
            )
            async with conn.execute(
                f"SELECT {MEMBER_COLUMNS} FROM members WHERE platform = ? AND user_id = ?",
                (platform, user_id),
            ) as cursor:
                row = await cursor.fetchone()
        return _member(row)

    async def find(self, platform: str, user_id: str) -> MemberRow | None:
        row = await self.db.fetchone(
            f"SELECT {MEMBER_COLUMNS} FROM members WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return _member(row) if row else None

    async def get(self, member_id: int) -> MemberRow | None:
        row = await self.db.fetchone(
            f"SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?", (member_id,)
        )
        return _member(row) if row else None

    async def update(self, member_id: int, **values: object) -> None:
        allowed = {"timezone", "country", "celebrate_public"}
        if not values or set(values) - allowed:
            raise ValueError(f"cannot update {sorted(set(values) - allowed)}")
        assignments = ", ".join(f"{key} = ?" for key in values)
        await self.db.execute(
            f"UPDATE members SET {assignments} WHERE id = ?", (*values.values(), member_id)
        )


class CommunityRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def find(self, platform: str, key: str) -> CommunityRow | None:
        row = await self.db.fetchone(
            f"SELECT {COMMUNITY_COLUMNS} FROM communities WHERE platform = ? AND key = ?",
            (platform, key),
        )
        return _community(row) if row else None

    async def get(self, community_id: int) -> CommunityRow | None:
        row = await self.db.fetchone(
            f"SELECT {COMMUNITY_COLUMNS} FROM communities WHERE id = ?", (community_id,)
        )
        return _community(row) if row else None

    async def create(
        self, platform: str, key: str, title: str, chat_id: str, rules: list[str], now: datetime
    ) -> CommunityRow:
        """A new community starts with the default ground rules, in the same transaction."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO communities (platform, key, title, chat_id, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, key) DO NOTHING",
                (platform, key, title, chat_id, stamp(now)),
            )
            async with conn.execute(
                f"SELECT {COMMUNITY_COLUMNS} FROM communities WHERE platform = ? AND key = ?",
                (platform, key),
            ) as cursor:
                row = _community(await cursor.fetchone())
            async with conn.execute(
                "SELECT COUNT(*) FROM rules WHERE community_id = ?", (row.id,)
            ) as cursor:
                (count,) = await cursor.fetchone()  # type: ignore[misc]
            if count == 0:
                await conn.executemany(
                    "INSERT INTO rules (community_id, position, text) VALUES (?, ?, ?)",
                    [(row.id, i, text) for i, text in enumerate(rules, start=1)],
                )
        return row

    async def update(self, community_id: int, **values: object) -> None:
        allowed = {"timezone", "country", "welcome", "title"}
        if not values or set(values) - allowed:
            raise ValueError(f"cannot update {sorted(set(values) - allowed)}")
        assignments = ", ".join(f"{key} = ?" for key in values)
        await self.db.execute(
            f"UPDATE communities SET {assignments} WHERE id = ?", (*values.values(), community_id)
        )

    async def touch(self, community_id: int, member_id: int, now: datetime) -> None:
        """Remember that a member was here, which answers "which group?" in a direct chat."""
        await self.db.execute(
            "INSERT INTO community_members (community_id, member_id, joined_at, seen_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (community_id, member_id) "
            "DO UPDATE SET seen_at = excluded.seen_at",
            (community_id, member_id, stamp(now), stamp(now)),
        )

    async def last_seen_in(self, member_id: int) -> CommunityRow | None:
        row = await self.db.fetchone(
            f"SELECT {', '.join('c.' + c for c in COMMUNITY_COLUMNS.split(', '))} "
            "FROM community_members m JOIN communities c ON c.id = m.community_id "
            "WHERE m.member_id = ? ORDER BY m.seen_at DESC LIMIT 1",
            (member_id,),
        )
        return _community(row) if row else None

    async def agreed_at(self, community_id: int, member_id: int) -> str | None:
        row = await self.db.fetchone(
            "SELECT agreed_at FROM community_members WHERE community_id = ? AND member_id = ?",
            (community_id, member_id),
        )
        return row[0] if row else None

    async def agree(self, community_id: int, member_id: int, now: datetime) -> bool:
        """Record agreement once; returns False when it was already on record."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO community_members (community_id, member_id, joined_at, seen_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (community_id, member_id) DO NOTHING",
                (community_id, member_id, stamp(now), stamp(now)),
            )
            cursor = await conn.execute(
                "UPDATE community_members SET agreed_at = ? "
                "WHERE community_id = ? AND member_id = ? AND agreed_at IS NULL",
                (stamp(now), community_id, member_id),
            )
            return cursor.rowcount == 1
