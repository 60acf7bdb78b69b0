"""Safety plans: one row a member, the plan as JSON and the step the walk-through awaits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import stamp, unstamp
from bot.storage.store import Engine


@dataclass(frozen=True)
class SafetyPlanRow:
    member_id: int
    plan: dict[str, list[str]]
    awaiting: str | None
    awaiting_since: datetime | None


class SafetyPlanRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def get(self, member_id: int) -> SafetyPlanRow | None:
        row = await self.db.fetchone(
            "SELECT plan, awaiting, awaiting_since FROM safety_plans WHERE member_id = ?",
            (member_id,),
        )
        if row is None:
            return None
        since = unstamp(row[2]) if row[2] else None
        return SafetyPlanRow(member_id, json.loads(row[0]), row[1], since)

    async def save(
        self,
        member_id: int,
        plan: dict[str, list[str]],
        awaiting: str | None,
        now: datetime,
    ) -> None:
        """The whole row in one statement, committed when this returns."""
        since = stamp(now) if awaiting else None
        await self.db.execute(
            "INSERT INTO safety_plans (member_id, plan, awaiting, awaiting_since, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET plan = excluded.plan, "
            "awaiting = excluded.awaiting, awaiting_since = excluded.awaiting_since, "
            "updated_at = excluded.updated_at",
            (member_id, json.dumps(plan, ensure_ascii=False), awaiting, since, stamp(now)),
        )

    async def set_awaiting(self, member_id: int, awaiting: str | None, now: datetime) -> None:
        since = stamp(now) if awaiting else None
        await self.db.execute(
            "UPDATE safety_plans SET awaiting = ?, awaiting_since = ? WHERE member_id = ?",
            (awaiting, since, member_id),
        )

    async def delete(self, member_id: int) -> bool:
        rows = await self.db.write_returning(
            "DELETE FROM safety_plans WHERE member_id = ? RETURNING member_id", (member_id,)
        )
        return bool(rows)
