"""Resources: the reviewed ones shipped in data/ (community_id NULL) and each community's own.

Search uses SQLite FTS5 with bm25 ranking; titles weigh most, then tags, then descriptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import Database, stamp


@dataclass(frozen=True)
class ResourceRow:
    id: int
    community_id: int | None
    topic: str
    title: str
    description: str
    url: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class NewResource:
    topic: str
    title: str
    description: str
    url: str
    tags: tuple[str, ...] = ()


COLUMNS = "r.id, r.community_id, r.topic, r.title, r.description, r.url, r.tags"
VISIBLE = "(r.community_id IS NULL OR r.community_id = ?)"


def _row(r: object) -> ResourceRow:
    x = r
    return ResourceRow(x[0], x[1], x[2], x[3], x[4], x[5], tuple(t for t in x[6].split(",") if t))  # type: ignore[index]


class ResourceRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def load_builtin(self, resources: Iterable[NewResource]) -> None:
        """The shipped files are the truth: replace the built-in rows in one transaction."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM resources WHERE community_id IS NULL")
            await conn.executemany(
                "INSERT INTO resources (topic, title, description, url, tags) "
                "VALUES (?, ?, ?, ?, ?)",
                [(r.topic, r.title, r.description, r.url, ",".join(r.tags)) for r in resources],
            )

    async def add(
        self, community_id: int, resource: NewResource, member_id: int, now: datetime
    ) -> int:
        r = resource
        return await self.db.execute(
            "INSERT INTO resources (community_id, topic, title, description, url, tags, "
            "added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                community_id,
                r.topic,
                r.title,
                r.description,
                r.url,
                ",".join(r.tags),
                member_id,
                stamp(now),
            ),
        )

    async def remove(self, community_id: int, resource_id: int) -> bool:
        """Only a community's own resources can be removed, and only by that community."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM resources WHERE id = ? AND community_id = ?",
                (resource_id, community_id),
            )
            return cursor.rowcount == 1

    async def topics(self, community_id: int | None) -> list[tuple[str, int]]:
        rows = await self.db.fetchall(
            f"SELECT r.topic, COUNT(*) FROM resources r WHERE {VISIBLE} GROUP BY r.topic "
            "ORDER BY r.topic",
            (community_id,),
        )
        return [(r[0], r[1]) for r in rows]

    async def by_topic(self, community_id: int | None, topic: str) -> list[ResourceRow]:
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM resources r WHERE {VISIBLE} AND r.topic = ? "
            "ORDER BY r.community_id IS NOT NULL, r.id",
            (community_id, topic),
        )
        return [_row(r) for r in rows]

    async def search(
        self, community_id: int | None, match: str, limit: int = 8
    ) -> list[ResourceRow]:
        """`match` is an FTS5 query built by the service from cleaned terms."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM resources_fts f JOIN resources r ON r.id = f.rowid "
            f"WHERE resources_fts MATCH ? AND {VISIBLE} "
            "ORDER BY bm25(resources_fts, 10.0, 2.0, 5.0, 3.0) LIMIT ?",
            (match, community_id, limit),
        )
        return [_row(r) for r in rows]

    async def vocabulary(self) -> set[str]:
        rows = await self.db.fetchall("SELECT term FROM resources_vocab")
        return {r[0] for r in rows}
