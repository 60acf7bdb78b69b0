"""Personal milestones ("sober since ...") and finding the anniversaries that came due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain import milestones
from bot.domain.streaks import local_date
from bot.services.people import PeopleService
from bot.storage.milestones import MilestoneRepo, MilestoneRow
from bot.storage.people import MemberRow

MAX_MILESTONES = 20
CELEBRATE_AT = time(9, 0)  # a member's anniversary is celebrated from 09:00 their time


@dataclass(frozen=True)
class Due:
    member: MemberRow
    milestone: MilestoneRow
    mark: milestones.PersonalMark


class MilestoneService:
    def __init__(self, repo: MilestoneRepo, people: PeopleService) -> None:
        self.repo = repo
        self.people = people

    async def add(
        self,
        member: MemberRow,
        label: str,
        start: date,
        chat: tuple[str, str] | None,
        now: datetime,
    ) -> int:
        today = local_date(now, self.people.timezone(member))
        if start > today:
            raise ValueError(f"the start date {start} is in the future; use the day it began")
        if len(await self.repo.of_member(member.id)) >= MAX_MILESTONES:
            raise ValueError(f"you can keep at most {MAX_MILESTONES} milestones")
        return await self.repo.add(member.id, label, start, chat, now)

    async def remove(self, member_id: int, milestone_id: int) -> bool:
        return await self.repo.remove(member_id, milestone_id)

    async def of_member(self, member_id: int) -> list[MilestoneRow]:
        return await self.repo.of_member(member_id)

    async def due(self, now: datetime) -> list[Due]:
        """Marks due by now (from 09:00 local on the day), not yet celebrated, and not already
        past when the milestone was added (adding "since 2020" does not replay six years)."""
        found: list[Due] = []
        members: dict[int, MemberRow | None] = {}
        for row in await self.repo.all():
            if row.member_id not in members:
                members[row.member_id] = await self.people.members.get(row.member_id)
            member = members[row.member_id]
            if member is None:
                continue
            tz = self.people.timezone(member)
            local = now.astimezone(tz)
            upto_date = local.date() - timedelta(days=0 if local.time() >= CELEBRATE_AT else 1)
            added = local_date(row.created_at, tz)
            done = await self.repo.celebrated(member.id)
            for mark in milestones.personal_marks(row.start):
                if mark.due > upto_date:
                    break
                key = f"personal:{row.id}:{mark.label}"
                if mark.due >= added and key not in done:
                    found.append(Due(member, row, mark))
        found.sort(key=lambda d: (d.mark.due, d.milestone.id))
        return found

    async def mark_celebrated(self, due: Due, now: datetime) -> bool:
        key = f"personal:{due.milestone.id}:{due.mark.label}"
        return await self.repo.mark_celebrated(due.member.id, key, now)
