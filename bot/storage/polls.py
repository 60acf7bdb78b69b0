"""Polls and their votes. A vote's member is read back only to count votes, and, for a poll
that is not anonymous, for its leads' list of voters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import stamp, unstamp
from bot.storage.invalidation import POLLS
from bot.storage.store import Engine


@dataclass(frozen=True)
class PollRow:
    id: int
    community_id: int
    question: str
    options: tuple[str, ...]
    anonymous: bool
    closes_at: datetime | None
    closed_at: datetime | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


COLUMNS = "id, community_id, question, options, anonymous, closes_at, closed_at"


def _poll(r: object) -> PollRow:
    x: tuple = r  # type: ignore[assignment]
    return PollRow(
        x[0],
        x[1],
        x[2],
        tuple(x[3].split("\n")),
        bool(x[4]),
        unstamp(x[5]) if x[5] else None,
        unstamp(x[6]) if x[6] else None,
    )


class PollRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def create(
        self,
        community_id: int,
        question: str,
        options: tuple[str, ...],
        anonymous: bool,
        created_by: int,
        now: datetime,
        closes_at: datetime,
    ) -> int:
        poll_id = await self.db.execute(
            "INSERT INTO polls (community_id, question, options, anonymous, created_by, "
            "created_at, closes_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                community_id,
                question,
                "\n".join(options),
                int(anonymous),
                created_by,
                stamp(now),
                stamp(closes_at),
            ),
        )
        self.db.changed(POLLS, None)  # every process's closing job learns the new end
        return poll_id

    async def get(self, poll_id: int) -> PollRow | None:
        row = await self.db.fetchone(f"SELECT {COLUMNS} FROM polls WHERE id = ?", (poll_id,))
        return _poll(row) if row is not None else None

    async def open_count(self, community_id: int) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM polls WHERE community_id = ? AND closed_at IS NULL",
            (community_id,),
        )
        return int(row[0]) if row is not None else 0

    async def vote(self, poll_id: int, member_id: int, choice: int, now: datetime) -> int | None:
        """The member's vote, changed if they had one; returns their previous choice. Only
        while the poll is open (the check and the write in one statement)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT choice FROM poll_votes WHERE poll_id = ? AND member_id = ?",
                (poll_id, member_id),
            )
            before = await cursor.fetchone()
            await conn.execute(
                "INSERT INTO poll_votes (poll_id, member_id, choice, at) "
                "SELECT ?, ?, ?, ? WHERE EXISTS "
                "(SELECT 1 FROM polls WHERE id = ? AND closed_at IS NULL) "
                "ON CONFLICT (poll_id, member_id) DO UPDATE SET choice = excluded.choice, "
                "at = excluded.at",
                (poll_id, member_id, choice, stamp(now), poll_id),
            )
        return int(before[0]) if before is not None else None

    async def counts(self, poll_id: int) -> dict[int, int]:
        rows = await self.db.fetchall(
            "SELECT choice, COUNT(*) FROM poll_votes WHERE poll_id = ? GROUP BY choice",
            (poll_id,),
        )
        return {int(r[0]): int(r[1]) for r in rows}

    async def voters(self, poll_id: int) -> list[tuple[int, int]]:
        """(member, choice) of each vote: only for a poll that is not anonymous."""
        rows = await self.db.fetchall(
            "SELECT v.member_id, v.choice FROM poll_votes v JOIN polls p ON p.id = v.poll_id "
            "WHERE v.poll_id = ? AND p.anonymous = 0 ORDER BY v.at",
            (poll_id,),
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    async def close(self, poll_id: int, now: datetime) -> bool:
        """Closed once: True for the one call that closed it."""
        rows = await self.db.write_returning(
            "UPDATE polls SET closed_at = ? WHERE id = ? AND closed_at IS NULL RETURNING id",
            (stamp(now), poll_id),
        )
        return bool(rows)

    def on_opened(self, heard: Callable[[int | None], None]) -> None:
        self.db.on_change(POLLS, heard)

    async def next_end(self) -> datetime | None:
        """The earliest end of an open poll (by the partial index on open polls' ends)."""
        row = await self.db.fetchone("SELECT MIN(closes_at) FROM polls WHERE closed_at IS NULL")
        return unstamp(row[0]) if row is not None and row[0] else None

    async def due(self, now: datetime) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT id FROM polls WHERE closed_at IS NULL AND closes_at <= ? ORDER BY closes_at",
            (stamp(now),),
        )
        return [int(r[0]) for r in rows]
