"""Personal milestones ("sober since ...") and finding the anniversaries that came due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain import milestones
from bot.domain.streaks import local_date
from bot.i18n import _, ngettext
from bot.services.people import PeopleService
from bot.storage.milestones import NEVER, MilestoneRepo, MilestoneRow
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
            raise ValueError(  # the date as the member typed it
                _("the start date {start} is in the future; use the day it began").format(
                    start=start.isoformat()
                )
            )
        if len(await self.repo.of_member(member.id)) >= MAX_MILESTONES:
            raise ValueError(
                ngettext(
                    "you can keep at most {n} milestone",
                    "you can keep at most {n} milestones",
                    MAX_MILESTONES,
                ).format(n=MAX_MILESTONES)
            )
        return await self.repo.add(member.id, label, start, chat, now, _first_due(start, today))

    async def remove(self, member_id: int, milestone_id: int) -> bool:
        return await self.repo.remove(member_id, milestone_id)

    async def of_member(self, member_id: int) -> list[MilestoneRow]:
        return await self.repo.of_member(member_id)

    async def due(self, now: datetime) -> list[Due]:
        """Marks due by now (from 09:00 local on the day), not yet celebrated, and not already
        past when the milestone was added (adding "since 2020" does not replay six years).
        Reads only milestones whose next mark is at most a day away: no zone is more than 14
        hours ahead of UTC."""
        found: list[Due] = []
        members: dict[int, MemberRow | None] = {}
        for row in await self.repo.coming_due((now + timedelta(hours=14)).date()):
            if row.member_id not in members:
                members[row.member_id] = await self.people.members.get(row.member_id)
            member = members[row.member_id]
            if member is None:
                continue
            tz = self.people.timezone(member)
            local = now.astimezone(tz)
            upto_date = local.date() - timedelta(days=0 if local.time() >= CELEBRATE_AT else 1)
            first = row.next_due
            if first is None:  # from before due dates were kept: worked out once
                first = _first_due(row.start, local_date(row.created_at, tz))
                await self.repo.set_next_due(row.id, first)
            for mark in milestones.personal_marks(row.start):
                if mark.due > upto_date:
                    break
                if mark.due >= first:
                    found.append(Due(member, row, mark))
        found.sort(key=lambda d: (d.mark.due, d.milestone.id))
        return found

    async def mark_celebrated(self, due: Due, now: datetime) -> bool:
        """Record the mark in the member's ledger (True only the first time) and move the
        milestone's next due day past it."""
        key = f"personal:{due.milestone.id}:{due.mark.label}"
        first = await self.repo.mark_celebrated(due.member.id, key, now)
        await self.repo.set_next_due(
            due.milestone.id, _first_due(due.milestone.start, due.mark.due + timedelta(days=1))
        )
        return first


def _first_due(start: date, on_or_after: date) -> date:
    """The day of the first mark on or after `on_or_after` (NEVER once all have passed)."""
    return next((m.due for m in milestones.personal_marks(start) if m.due >= on_or_after), NEVER)
