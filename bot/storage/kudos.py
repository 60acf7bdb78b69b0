"""Kudos: who thanked whom, when, and whether in the group. The note is delivered, never
stored; members who turned kudos off are in `kudos_off`."""

from __future__ import annotations

from datetime import datetime

from bot.storage.database import stamp
from bot.storage.store import Engine


class KudosRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def add(
        self, community_id: int, giver_id: int, receiver_id: int, public: bool, now: datetime
    ) -> int:
        return await self.db.execute(
            "INSERT INTO kudos (community_id, giver_id, receiver_id, public, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (community_id, giver_id, receiver_id, int(public), stamp(now)),
        )

    async def given_since(self, giver_id: int, since: datetime) -> list[int]:
        """The members `giver_id` thanked since then (by index on giver and time)."""
        rows = await self.db.fetchall(
            "SELECT receiver_id FROM kudos WHERE giver_id = ? AND at >= ?",
            (giver_id, stamp(since)),
        )
        return [int(r[0]) for r in rows]

    async def received(self, receiver_id: int, since: datetime | None = None) -> int:
        if since is None:
            row = await self.db.fetchone(
                "SELECT COUNT(*) FROM kudos WHERE receiver_id = ?", (receiver_id,)
            )
        else:
            row = await self.db.fetchone(
                "SELECT COUNT(*) FROM kudos WHERE receiver_id = ? AND at >= ?",
                (receiver_id, stamp(since)),
            )
        return int(row[0]) if row is not None else 0

    async def in_community(self, community_id: int, since: datetime, until: datetime) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM kudos WHERE community_id = ? AND at >= ? AND at < ?",
            (community_id, stamp(since), stamp(until)),
        )
        return int(row[0]) if row is not None else 0

    async def is_off(self, member_id: int) -> bool:
        row = await self.db.fetchone("SELECT 1 FROM kudos_off WHERE member_id = ?", (member_id,))
        return row is not None

    async def turn(self, member_id: int, on: bool, now: datetime) -> None:
        if on:
            await self.db.execute("DELETE FROM kudos_off WHERE member_id = ?", (member_id,))
        else:
            await self.db.execute(
                "INSERT INTO kudos_off (member_id, at) VALUES (?, ?) "
                "ON CONFLICT (member_id) DO NOTHING",
                (member_id, stamp(now)),
            )
