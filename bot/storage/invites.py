"""A group's invitation: the link a lead set and a short description, one row a community.

It belongs to the community, not to a member (no member id is kept, not even who set it), so it
is not in bot/storage/privacy.py; it goes when the community goes (ON DELETE CASCADE)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.storage.database import stamp, unstamp
from bot.storage.store import Engine, Row


@dataclass(frozen=True)
class InviteRow:
    community_id: int
    link: str
    about: str | None  # the lead's short description; None when they gave none
    updated_at: datetime


class InviteStore(Protocol):
    """What InviteService needs of storage (a fake in a unit test, InviteRepo otherwise)."""

    async def get(self, community_id: int) -> InviteRow | None: ...

    async def set(
        self, community_id: int, link: str, about: str | None, now: datetime
    ) -> InviteRow: ...


def _invite(row: Row) -> InviteRow:
    return InviteRow(int(row[0]), str(row[1]), row[2], unstamp(row[3]))


class InviteRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def get(self, community_id: int) -> InviteRow | None:
        row = await self.db.fetchone(
            "SELECT community_id, link, about, updated_at FROM invites WHERE community_id = ?",
            (community_id,),
        )
        return _invite(row) if row is not None else None

    async def set(
        self, community_id: int, link: str, about: str | None, now: datetime
    ) -> InviteRow:
        """Replace the group's invitation in one statement (two leads at once: the last wins,
        never a half of each)."""
        rows = await self.db.write_returning(
            "INSERT INTO invites (community_id, link, about, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (community_id) DO UPDATE SET link = excluded.link, "
            "about = excluded.about, updated_at = excluded.updated_at "
            "RETURNING community_id, link, about, updated_at",
            (community_id, link, about, stamp(now)),
        )
        return _invite(rows[0])
