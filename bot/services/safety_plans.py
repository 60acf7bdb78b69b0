"""Safety plans: read, write step by step, and the guided walk-through's one open question.

The walk-through waits for one step at a time; an answer that comes long after the question
(the member left and came back) is not taken as an answer, so plain text sent days later is
never filed into the plan by surprise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.domain.safety_plan import SafetyPlan, next_step
from bot.storage.safety_plans import SafetyPlanRepo

ANSWER_WITHIN = timedelta(hours=2)


class SafetyPlanService:
    def __init__(self, repo: SafetyPlanRepo) -> None:
        self.repo = repo

    async def plan(self, member_id: int) -> SafetyPlan:
        row = await self.repo.get(member_id)
        return SafetyPlan.of(row.plan) if row else SafetyPlan()

    async def awaiting(self, member_id: int, now: datetime) -> str | None:
        """The step the walk-through asked for, if it asked recently."""
        row = await self.repo.get(member_id)
        if row is None or row.awaiting is None or row.awaiting_since is None:
            return None
        return row.awaiting if now - row.awaiting_since <= ANSWER_WITHIN else None

    async def ask(self, member_id: int, step: str | None, now: datetime) -> None:
        """Remember which step the walk-through asked (None: it stopped)."""
        row = await self.repo.get(member_id)
        if row is None:
            if step is not None:
                await self.repo.save(member_id, {}, step, now)
            return
        await self.repo.set_awaiting(member_id, step, now)

    async def answer(
        self, member_id: int, step: str, items: Iterable[str], now: datetime, *, walk: bool
    ) -> tuple[SafetyPlan, str | None]:
        """Store a step; in the walk-through also ask the next one. Returns (plan, next step)."""
        plan = (await self.plan(member_id)).with_step(step, items)
        following = next_step(step) if walk else None
        await self.repo.save(member_id, plan.as_dict(), following, now)
        return plan, following

    async def skip(self, member_id: int, step: str, now: datetime) -> str | None:
        following = next_step(step)
        await self.ask(member_id, following, now)
        return following

    async def clear_step(self, member_id: int, step: str, now: datetime) -> SafetyPlan:
        plan = await self.plan(member_id)
        kept = SafetyPlan.of({k: v for k, v in plan.items.items() if k != step})
        await self.repo.save(member_id, kept.as_dict(), None, now)
        return kept

    async def delete(self, member_id: int) -> bool:
        return await self.repo.delete(member_id)
