"""Reports of a message decide here: a few a day a member, one report a member a message
(a second from someone else merges into the first), and a handled report that is reported
again opens again."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.i18n import _, ngettext
from bot.storage.reports import ReportRepo, ReportRow

PER_DAY = 10
MAX_REASON = 300


class ReportService:
    def __init__(self, repo: ReportRepo) -> None:
        self.repo = repo

    async def report(
        self,
        community_id: int,
        ref: str,
        link: str | None,
        member_id: int,
        reason: str | None,
        now: datetime,
    ) -> tuple[int, int]:
        """(report id, members who reported it); ValueError (translated) when refused."""
        if reason is not None and len(reason) > MAX_REASON:
            raise ValueError(
                _("a reason is at most {n} characters, not {length}").format(
                    n=MAX_REASON, length=len(reason)
                )
            )
        found = await self.repo.find(community_id, ref)
        if found is not None and await self.repo.reported_by(found.id, member_id):
            raise ValueError(_("you reported that message already; the leads have it"))
        if await self.repo.since(member_id, now - timedelta(days=1)) >= PER_DAY:
            raise ValueError(
                ngettext(
                    "you can report {n} message a day; for more, write to a lead",
                    "you can report {n} messages a day; for more, write to a lead",
                    PER_DAY,
                ).format(n=PER_DAY)
            )
        return await self.repo.add(community_id, ref, link, member_id, reason, now)

    async def get(self, report_id: int) -> ReportRow | None:
        return await self.repo.get(report_id)

    async def handle(self, report_id: int, member_id: int, now: datetime) -> bool:
        """True when this call marked it handled (False: it was already)."""
        return await self.repo.handle(report_id, member_id, now)
