"""Members, communities and who belongs where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cachetools import TTLCache

from bot.storage.database import Statement, stamp, unstamp
from bot.storage.store import Engine

TOUCH_EVERY = timedelta(minutes=10)
# Caches are bounded in size (least recently used go first) and in age, so memory stays flat
# with any number of members and a row another process changed is read again within minutes.
CACHE_AGE = 600.0  # seconds
MEMBERS_CACHED = 10_000
COMMUNITIES_CACHED = 2_000
VISITS_CACHED = 20_000


# Messages waiting in the outbox for a chat that moved: its target (JSON, as
# bot/storage/outbox.py writes it) names the new chat, and the new community when it named the
# old one. The same change in each engine's JSON functions.
_MOVE_OUTBOX = {
    "sqlite": (
        "UPDATE outbox SET target = json_set(target, '$.place', ?, '$.community', "
        "CASE WHEN json_extract(target, '$.community') = ? THEN ? "
        "ELSE json_extract(target, '$.community') END) "
        "WHERE platform = ? AND state = 'pending' AND json_extract(target, '$.place') = ?"
    ),
    "postgresql": (
        "UPDATE outbox SET target = jsonb_set(jsonb_set(CAST(target AS jsonb), '{place}', "
        "to_jsonb(CAST(? AS TEXT))), '{community}', "
        "CASE WHEN CAST(target AS jsonb) ->> 'community' = ? THEN to_jsonb(CAST(? AS TEXT)) "
        "ELSE COALESCE(CAST(target AS jsonb) -> 'community', 'null') END) "
        "WHERE platform = ? AND state = 'pending' AND CAST(target AS jsonb) ->> 'place' = ?"
    ),
}


@dataclass(frozen=True)
class MemberRow:
    id: int
    platform: str
    user_id: str
    name: str
    timezone: str | None
    country: str | None
    celebrate_public: bool
    language: str | None = None  # the member's own choice (bot/i18n.py); None: not chosen


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
    alert_member_id: int | None = None
    celebrate: bool = True  # community milestones posted in the group (a lead's switch)
    celebrate_chat_id: str | None = None  # the channel a lead chose for them; None: chat_id
    min_group: int | None = None  # a lead's threshold for anonymous figures; None: the default
    rules_gate: str | None = None  # what agreeing opens: "restrict", "role:<name>"; None
    language: str | None = None  # a lead's choice for the group's posts; None: not chosen
    focus: str | None = None  # what the group is for (bot/domain/focus.py); None: general


MEMBER, COMMUNITY = "member", "community"  # kinds of cached rows (bot/storage/invalidation.py)
MEMBER_COLUMNS = "id, platform, user_id, name, timezone, country, celebrate_public, language"
COMMUNITY_COLUMNS = (
    "id, platform, key, title, chat_id, timezone, country, welcome, alert_member_id, celebrate, "
    "celebrate_chat_id, min_group, rules_gate, language, focus"
)


def member_row(row: object) -> MemberRow:
    r = row  # aiosqlite.Row indexes like a tuple
    return MemberRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7])  # type: ignore[index]


def community_row(row: object) -> CommunityRow:
    r = row
    return CommunityRow(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        bool(r[7]),
        r[8],
        bool(r[9]),
        r[10],
        r[11],
        r[12],
        r[13],
        r[14],
    )  # type: ignore[index]


class MemberRepo:
    """Member rows are read on every command, so they are cached; every write here refreshes
    the cache, and nothing else writes the members table. A change is announced (bot/storage/
    invalidation.py), so other processes on the same PostgreSQL database forget it too."""

    def __init__(self, db: Engine) -> None:
        self.db = db
        self._cache: TTLCache[tuple[str, str], MemberRow] = TTLCache(MEMBERS_CACHED, CACHE_AGE)
        db.on_change(MEMBER, self.forget_cached)  # changed or erased in any process

    async def ensure(self, platform: str, user_id: str, name: str, now: datetime) -> MemberRow:
        """Create on first sight and keep the display name current. The common case (known
        member, same name) is a read, so a check-in costs one durable commit, not two."""
        known = await self.find(platform, user_id)
        if known is not None and known.name == name:
            return known
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
                row = member_row(await cursor.fetchone())
        self._cache[(platform, user_id)] = row
        return row

    def seen(self, platform: str, user_id: str) -> MemberRow | None:
        """The member as last read, if still cached: no database read (None otherwise)."""
        return self._cache.get((platform, user_id))

    async def find(self, platform: str, user_id: str) -> MemberRow | None:
        cached = self._cache.get((platform, user_id))
        if cached is not None:
            return cached
        row = await self.db.fetchone(
            f"SELECT {MEMBER_COLUMNS} FROM members WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        if row is None:
            return None
        member = self._cache[(platform, user_id)] = member_row(row)
        return member

    async def get(self, member_id: int) -> MemberRow | None:
        row = await self.db.fetchone(
            f"SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?", (member_id,)
        )
        return member_row(row) if row else None

    async def update(self, member_id: int, **values: object) -> None:
        allowed = {"timezone", "country", "celebrate_public", "language"}
        if not values or set(values) - allowed:
            raise ValueError(f"cannot update {sorted(set(values) - allowed)}")
        assignments = ", ".join(f"{key} = ?" for key in values)
        await self.db.execute(
            f"UPDATE members SET {assignments} WHERE id = ?", (*values.values(), member_id)
        )
        self.db.changed(MEMBER, member_id)

    def forget_cached(self, member_id: int | None) -> None:
        if member_id is None:
            self._cache.clear()
            return
        for key in [k for k, row in self._cache.items() if row.id == member_id]:
            del self._cache[key]


class CommunityRepo:
    """Communities and memberships are read on every command in a group (and the member's last
    group on every command in a direct chat), so both are cached; the writes below keep the
    caches true, and nothing else writes these tables; other processes hear of each change
    (bot/storage/invalidation.py)."""

    def __init__(self, db: Engine) -> None:
        self.db = db
        self._by_key: TTLCache[tuple[str, str], CommunityRow] = TTLCache(
            COMMUNITIES_CACHED, CACHE_AGE
        )
        # A visit remembered for longer than TOUCH_EVERY saves no write, so that is its age.
        self._seen: TTLCache[tuple[int, int], datetime] = TTLCache(
            VISITS_CACHED, TOUCH_EVERY.total_seconds()
        )
        self._last: TTLCache[int, CommunityRow | None] = TTLCache(MEMBERS_CACHED, CACHE_AGE)
        db.on_change(COMMUNITY, self._forget_community)  # changed in any process
        db.on_change(MEMBER, self._forget_member)

    def _forget_community(self, community_id: int | None) -> None:
        if community_id is None:
            self._by_key.clear()
            self._last.clear()
        else:
            self._forget(community_id=community_id)

    def _forget_member(self, member_id: int | None) -> None:
        if member_id is None:
            self._last.clear()
            self._seen.clear()
        else:
            self._forget(member_id=member_id)

    def _forget(self, community_id: int | None = None, member_id: int | None = None) -> None:
        if community_id is not None:
            for key in [k for k, c in self._by_key.items() if c.id == community_id]:
                del self._by_key[key]
            self._last.clear()
        if member_id is not None:
            self._last.pop(member_id, None)
            for key in [k for k in self._seen if k[1] == member_id]:
                del self._seen[key]

    async def move_chat(self, platform: str, old: str, new: str) -> bool:
        """A group got a new chat id (a Telegram group upgraded to a supergroup): its
        community, schedules, milestone posts and messages still waiting in the outbox follow
        it. A community Haven made for the new id in the meantime (a message there before the
        notice) is dropped first. False when there was nothing under the old id."""
        found = await self.db.fetchone(
            "SELECT id FROM communities WHERE platform = ? AND key = ?", (platform, old)
        )
        if found is None:
            return False
        await self.db.write(
            Statement(
                "DELETE FROM communities WHERE platform = ? AND key = ? AND id <> ?",
                (platform, new, found[0]),
            ),
            Statement(
                "UPDATE communities SET key = ?, chat_id = ? WHERE id = ?", (new, new, found[0])
            ),
            Statement(
                "UPDATE communities SET celebrate_chat_id = ? WHERE id = ? AND "
                "celebrate_chat_id = ?",
                (new, found[0], old),
            ),
            Statement(
                "UPDATE schedules SET chat_id = ? WHERE platform = ? AND chat_id = ?",
                (new, platform, old),
            ),
            Statement(
                "UPDATE milestones SET chat_id = ? WHERE chat_platform = ? AND chat_id = ?",
                (new, platform, old),
            ),
            Statement(_MOVE_OUTBOX[self.db.dialect], (new, old, new, platform, old)),
        )
        self.db.changed(COMMUNITY, None)
        return True

    async def find(self, platform: str, key: str) -> CommunityRow | None:
        if (platform, key) in self._by_key:
            return self._by_key[(platform, key)]
        row = await self.db.fetchone(
            f"SELECT {COMMUNITY_COLUMNS} FROM communities WHERE platform = ? AND key = ?",
            (platform, key),
        )
        if row is None:
            return None
        community = self._by_key[(platform, key)] = community_row(row)
        return community

    async def get(self, community_id: int) -> CommunityRow | None:
        row = await self.db.fetchone(
            f"SELECT {COMMUNITY_COLUMNS} FROM communities WHERE id = ?", (community_id,)
        )
        return community_row(row) if row else None

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
                row = community_row(await cursor.fetchone())
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
        allowed = {
            "timezone",
            "country",
            "welcome",
            "title",
            "alert_member_id",
            "celebrate",
            "celebrate_chat_id",
            "min_group",
            "rules_gate",
            "language",
            "focus",
        }
        if not values or set(values) - allowed:
            raise ValueError(f"cannot update {sorted(set(values) - allowed)}")
        assignments = ", ".join(f"{key} = ?" for key in values)
        await self.db.execute(
            f"UPDATE communities SET {assignments} WHERE id = ?", (*values.values(), community_id)
        )
        self.db.changed(COMMUNITY, community_id)

    async def created(self, community_id: int) -> datetime | None:
        """When the community first came to Haven."""
        row = await self.db.fetchone(
            "SELECT created_at FROM communities WHERE id = ?", (community_id,)
        )
        return unstamp(row[0]) if row else None

    async def touch(self, community_id: int, member_id: int, now: datetime) -> None:
        """Remember that a member was here, which answers "which group?" in a direct chat.
        Within TOUCH_EVERY of the last visit nothing is written (one commit saved per command)."""
        seen = self._seen.get((community_id, member_id))
        if seen is None:
            row = await self.db.fetchone(
                "SELECT seen_at FROM community_members WHERE community_id = ? AND member_id = ?",
                (community_id, member_id),
            )
            seen = unstamp(row[0]) if row is not None else None
        if seen is not None and seen > now - TOUCH_EVERY:
            self._seen[(community_id, member_id)] = seen
            return
        self._seen[(community_id, member_id)] = now
        self._last.pop(member_id, None)
        await self.db.execute(
            "INSERT INTO community_members (community_id, member_id, joined_at, seen_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (community_id, member_id) "
            "DO UPDATE SET seen_at = excluded.seen_at",
            (community_id, member_id, stamp(now), stamp(now)),
        )

    async def last_seen_in(self, member_id: int) -> CommunityRow | None:
        if member_id in self._last:
            return self._last[member_id]
        row = await self.db.fetchone(
            f"SELECT {', '.join('c.' + c for c in COMMUNITY_COLUMNS.split(', '))} "
            "FROM community_members m JOIN communities c ON c.id = m.community_id "
            "WHERE m.member_id = ? ORDER BY m.seen_at DESC LIMIT 1",
            (member_id,),
        )
        community = self._last[member_id] = community_row(row) if row else None
        return community

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
