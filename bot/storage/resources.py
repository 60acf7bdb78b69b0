"""Resources: the reviewed ones shipped in data/ (community_id NULL) and each community's own.

Search uses SQLite FTS5 with bm25 ranking; titles weigh most, then tags, then descriptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import Statement, stamp
from bot.storage.store import Engine


@dataclass(frozen=True)
class ResourceRow:
    id: int
    community_id: int | None
    topic: str
    title: str
    description: str
    url: str
    tags: tuple[str, ...]
    kind: str = "article"
    language: str = "en"


@dataclass(frozen=True)
class Suggestion:
    id: int
    member_id: int
    url: str
    title: str
    description: str


@dataclass(frozen=True)
class NewResource:
    topic: str
    title: str
    description: str
    url: str
    tags: tuple[str, ...] = ()
    kind: str = "article"
    language: str = "en"  # what it is written in: a catalogue name of bot/i18n.py


PREFIX_CHARS = 4  # shorter terms match the start of a title or topic word only
COLUMNS = "r.id, r.community_id, r.topic, r.title, r.description, r.url, r.tags, r.kind, r.language"
# What a community sees (its parameters: the community's id, twice): the built-in entries it
# did not hide, and its own.
VISIBLE = (
    "(r.community_id IS NULL OR r.community_id = ?) AND NOT EXISTS (SELECT 1 FROM "
    "resource_hidden h WHERE h.community_id = ? AND h.url = r.url AND r.community_id IS NULL)"
)
# Which built-in entries a member sees (its parameter: the member's language): those written in
# it and the English ones, never another language's; a community's own, whatever their
# language. `FIRST` puts the member's language before English (its parameter: the same).
LANGUAGE = " AND (r.community_id IS NOT NULL OR r.language IN (?, 'en'))"
FIRST = "r.language <> ?"


def _row(r: object) -> ResourceRow:
    x = r
    tags = tuple(t for t in x[6].split(",") if t)  # type: ignore[index]
    return ResourceRow(x[0], x[1], x[2], x[3], x[4], x[5], tags, x[7], x[8])  # type: ignore[index]


class ResourceRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def load_builtin(self, resources: Iterable[NewResource]) -> None:
        """The shipped files are the truth: replace the built-in rows in one transaction, and
        only when they changed, so that the ids a lead saw yesterday (`/resources hide 12`)
        still mean the same entries after a restart on either engine."""
        rows = [
            (r.topic, r.title, r.description, r.url, ",".join(r.tags), r.kind, r.language)
            for r in resources
        ]
        async with self.db.transaction() as conn:
            stored = await conn.execute_fetchall(
                "SELECT topic, title, description, url, tags, kind, language FROM resources "
                "WHERE community_id IS NULL ORDER BY id"
            )
            if [tuple(row) for row in stored] == rows:
                return
            await conn.execute("DELETE FROM resources WHERE community_id IS NULL")
            await conn.executemany(
                "INSERT INTO resources (topic, title, description, url, tags, kind, language) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    async def add(
        self, community_id: int, resource: NewResource, member_id: int, now: datetime
    ) -> int:
        r = resource
        return await self.db.execute(
            "INSERT INTO resources (community_id, topic, title, description, url, tags, kind, "
            "language, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                community_id,
                r.topic,
                r.title,
                r.description,
                r.url,
                ",".join(r.tags),
                r.kind,
                r.language,
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

    async def hide(self, community_id: int, resource_id: int, now: datetime) -> str | None:
        """Hide a built-in entry in this community; its title, or None when `resource_id` is
        no built-in entry."""
        row = await self.db.fetchone(
            "SELECT title, url FROM resources WHERE id = ? AND community_id IS NULL",
            (resource_id,),
        )
        if row is None:
            return None
        await self.db.execute(
            "INSERT INTO resource_hidden (community_id, url, hidden_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (community_id, row[1], stamp(now)),
        )
        return str(row[0])

    async def unhide(self, community_id: int, resource_id: int) -> str | None:
        row = await self.db.fetchone(
            "SELECT title, url FROM resources WHERE id = ? AND community_id IS NULL",
            (resource_id,),
        )
        if row is None:
            return None
        [outcome] = await self.db.write(
            Statement(
                "DELETE FROM resource_hidden WHERE community_id = ? AND url = ?",
                (community_id, row[1]),
            )
        )
        return str(row[0]) if outcome.rowcount else None

    async def hidden(self, community_id: int) -> list[ResourceRow]:
        """The built-in entries this community hides, as they are now."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM resource_hidden h JOIN resources r "
            "ON r.url = h.url AND r.community_id IS NULL WHERE h.community_id = ? ORDER BY r.id",
            (community_id,),
        )
        return [_row(r) for r in rows]

    async def suggest(
        self,
        community_id: int,
        member_id: int,
        url: str,
        title: str,
        description: str,
        now: datetime,
    ) -> int:
        return await self.db.execute(
            "INSERT INTO resource_suggestions (community_id, member_id, url, title, description, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (community_id, member_id, url, title, description, stamp(now)),
        )

    async def pending(self, community_id: int) -> list[Suggestion]:
        rows = await self.db.fetchall(
            "SELECT id, member_id, url, title, description FROM resource_suggestions "
            "WHERE community_id = ? AND state = 'pending' ORDER BY id",
            (community_id,),
        )
        return [Suggestion(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def settle(self, community_id: int, suggestion_id: int, state: str) -> Suggestion | None:
        """Mark a pending suggestion of this community approved or declined; None when there
        is no such pending suggestion."""
        rows = await self.db.write_returning(
            "UPDATE resource_suggestions SET state = ? WHERE id = ? AND community_id = ? "
            "AND state = 'pending' RETURNING id, member_id, url, title, description",
            (state, suggestion_id, community_id),
        )
        return Suggestion(*rows[0]) if rows else None

    async def topics(self, community_id: int | None, language: str) -> list[tuple[str, int]]:
        rows = await self.db.fetchall(
            f"SELECT r.topic, COUNT(*) FROM resources r WHERE {VISIBLE}{LANGUAGE} "
            "GROUP BY r.topic ORDER BY r.topic",
            (community_id, community_id, language),
        )
        return [(r[0], r[1]) for r in rows]

    async def by_topic(
        self, community_id: int | None, topic: str, language: str
    ) -> list[ResourceRow]:
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM resources r WHERE {VISIBLE}{LANGUAGE} AND r.topic = ? "
            f"ORDER BY r.community_id IS NOT NULL, {FIRST}, r.id",
            (community_id, community_id, language, topic, language),
        )
        return [_row(r) for r in rows]

    async def search(
        self,
        community_id: int | None,
        terms: list[str],
        language: str,
        limit: int = 8,
        kinds: frozenset[str] = frozenset(),
    ) -> list[ResourceRow]:
        """Entries matching any of `terms` (cleaned words: letters and digits only), best
        first; `kinds`, when given, keeps only entries of those kinds. A term matches as a
        prefix ("panic" finds "panicking"); a short one ("sle", "anx", typed on the way to a
        word) only at the start of a title or topic word, never in a description or tag ("art"
        must not find "articles"). SQLite ranks with FTS5's bm25, PostgreSQL with ts_rank, both
        weighing titles most, then tags, topics and descriptions; entries in the member's
        `language` come before English ones of the same rank band (see `LANGUAGE`)."""
        if not terms:
            return []
        only = f" AND r.kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
        if self.db.dialect == "postgresql":
            query = " | ".join(
                f"{term}:*" if len(term) >= PREFIX_CHARS else f"{term}:*AB" for term in terms
            )
            rows = await self.db.fetchall(
                f"SELECT {COLUMNS} FROM resources r, to_tsquery('simple', ?) q "
                f"WHERE r.document @@ q AND {VISIBLE}{LANGUAGE}{only} ORDER BY {FIRST}, "
                "ts_rank('{0.2, 0.5, 0.3, 1.0}', r.document, q) DESC, r.id LIMIT ?",
                (query, community_id, community_id, language, *sorted(kinds), language, limit),
            )
            return [_row(r) for r in rows]
        match = " OR ".join(
            f'"{term}"*' if len(term) >= PREFIX_CHARS else f'({{title topic}} : "{term}"*)'
            for term in terms
        )
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM resources_fts f JOIN resources r ON r.id = f.rowid "
            f"WHERE resources_fts MATCH ? AND {VISIBLE}{LANGUAGE}{only} "
            f"ORDER BY {FIRST}, bm25(resources_fts, 10.0, 2.0, 5.0, 3.0) LIMIT ?",
            (match, community_id, community_id, language, *sorted(kinds), language, limit),
        )
        return [_row(r) for r in rows]

    async def by_kinds(
        self, community_id: int | None, kinds: frozenset[str], language: str
    ) -> list[ResourceRow]:
        """Every entry of these kinds a member of a community sees, by topic."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM resources r WHERE r.kind IN "
            f"({', '.join('?' * len(kinds))}) AND {VISIBLE}{LANGUAGE} "
            f"ORDER BY r.topic, {FIRST}, r.id",
            (*sorted(kinds), community_id, community_id, language, language),
        )
        return [_row(r) for r in rows]

    async def texts(self, language: str) -> list[str]:
        """The words a member of `language` can find (titles, descriptions, tags, topics of
        the entries they see, every group's own included): typos are corrected toward these,
        so "panik" stays a German word for a German reader and is "panic" for an English one."""
        rows = await self.db.fetchall(
            "SELECT r.title, r.description, r.tags, r.topic FROM resources r "
            "WHERE r.community_id IS NOT NULL OR r.language IN (?, 'en')",
            (language,),
        )
        return [" ".join(str(x).replace(",", " ") for x in row) for row in rows]
