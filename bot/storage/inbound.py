"""The ledger of platform updates already handled (duplicate delivery is handled once)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.storage.database import stamp
from bot.storage.store import Engine

KEEP = timedelta(days=7)


class InboundLedger:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def first_time(self, platform: str, update_id: str, now: datetime) -> bool:
        """Record the update; True only the first time it is seen."""
        rows = await self.db.write_returning(
            "INSERT INTO inbound_updates (platform, update_id, seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING RETURNING 1",
            (platform, update_id, stamp(now)),
        )
        return bool(rows)
