"""Where the group posts Haven keeps up to date went (an event's post, its counts changing as
members answer), so an adapter can edit one in place later: the platform's chat and message
id under the post's name. Adapters hold this, not the core: message ids are the platform's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import stamp
from bot.storage.store import Engine


@dataclass(frozen=True)
class Kept:
    chat_id: str
    message_id: str


class PostRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def keep(
        self, platform: str, key: str, chat_id: str, message_id: str, now: datetime
    ) -> None:
        """The latest post under `key` wins (a recurring event's name is its occurrence's)."""
        await self.db.execute(
            "INSERT INTO posts (platform, key, chat_id, message_id, kept_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, key) DO UPDATE SET "
            "chat_id = excluded.chat_id, message_id = excluded.message_id, "
            "kept_at = excluded.kept_at",
            (platform, key, chat_id, message_id, stamp(now)),
        )

    async def find(self, platform: str, key: str) -> Kept | None:
        row = await self.db.fetchone(
            "SELECT chat_id, message_id FROM posts WHERE platform = ? AND key = ?",
            (platform, key),
        )
        return Kept(row[0], row[1]) if row is not None else None

    async def forget(self, platform: str, key: str) -> None:
        await self.db.execute("DELETE FROM posts WHERE platform = ? AND key = ?", (platform, key))

    async def count(self, platform: str) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM posts WHERE platform = ?", (platform,))
        return int(row[0]) if row is not None else 0
