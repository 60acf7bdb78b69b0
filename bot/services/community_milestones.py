"""Community milestones and join anniversaries: what is due now, decided once per ledger key.

Rules (the texts live in commands/community_milestones.py):

- Counted: consenting members only. Total check-ins are those made in the community, kept as
  running counts per member (retention deleting old check-ins does not lower them; erasure
  and withdrawn consent do); combined streak days are the sum of each consenting member's
  current check-in streak as stored by their check-ins, in their own calendar days.
- A count milestone is celebrated only when at least `privacy.min_group` distinct members make
  it up (members with check-ins there; members with a streak running), so no post can describe
  one person's activity. Only the highest newly crossed threshold is posted; every crossed one
  is written to the ledger, so a quiet spell never ends in a burst of posts.
- Community posts (counts and the community's anniversary in Haven) go to the community's chat,
  only while its celebrations are on and only between 09:00 and 21:00 in its time zone; a count
  milestone waits for that window, an anniversary is celebrated on its day only (a first
  deploy never replays old years).
- A member's anniversary of joining is celebrated on its day, from 09:00 their time, privately;
  in the community's chat when they chose public celebrations and the community's
  celebrations are on. The key goes into the member's own `celebrations` ledger, so /forgetme
  erases it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.domain import community_milestones as rules
from bot.domain.streaks import Streak, local_date
from bot.services.people import PeopleService
from bot.storage.community_milestones import CommunityMilestoneRepo, Joined
from bot.storage.milestones import MilestoneRepo
from bot.storage.people import CommunityRow, MemberRow

log = logging.getLogger(__name__)

CELEBRATE_AT = time(9, 0)  # anniversaries from 09:00 local; community posts from then ...
POST_UNTIL = time(21, 0)  # ... until 21:00 community time

YIELD_EVERY = 500  # members looked at between two turns of the event loop
CHECKINS, STREAK_DAYS, ANNIVERSARY = "checkins", "streakdays", "anniversary"
KUDOS = "kudos"  # kudos shared in one calendar month (community time): key kudos:2026-03:50


@dataclass(frozen=True)
class CommunityCelebration:
    """A post for the community's chat: `kind` is CHECKINS, STREAK_DAYS or ANNIVERSARY and
    `value` the threshold reached or the whole years on Haven."""

    community: CommunityRow
    kind: str
    value: int
    key: str


@dataclass(frozen=True)
class JoinAnniversary:
    community: CommunityRow
    member: MemberRow
    years: int
    public: bool
    key: str


class CommunityMilestoneService:
    def __init__(
        self,
        repo: CommunityMilestoneRepo,
        ledger: MilestoneRepo,
        people: PeopleService,
        min_group: int,
    ) -> None:
        self.repo = repo
        self.ledger = ledger
        self.people = people
        self.min_group = min_group

    async def celebrate(self, now: datetime) -> list[CommunityCelebration | JoinAnniversary]:
        """Everything due at `now`, each already marked in its ledger (insert first, so each
        goes out once even if two runs overlap)."""
        found: list[CommunityCelebration | JoinAnniversary] = []
        for community, created_at in await self.repo.communities():
            try:
                joined = await self.repo.joined(community.id)
                found += await self._community(community, created_at, joined, now)
                found += await self._joined(community, joined, now)
            except Exception:  # one broken community must not silence the others
                log.exception("community milestones failed for community %s", community.id)
        return found

    # -- the community's own ----------------------------------------------------------------
    async def _community(
        self, community: CommunityRow, created_at: datetime, joined: list[Joined], now: datetime
    ) -> list[CommunityCelebration]:
        tz = self.people.community_timezone(community)
        local = now.astimezone(tz)
        if not community.celebrate or not CELEBRATE_AT <= local.time() < POST_UNTIL:
            return []
        found: list[CommunityCelebration] = []
        years = rules.anniversary_on(local_date(created_at, tz), local.date())
        key = f"{ANNIVERSARY}:{years}"
        if years and await self.repo.mark_celebrated(community.id, key, now):
            found.append(CommunityCelebration(community, ANNIVERSARY, years, key))
        done = await self.repo.celebrated(community.id)
        totals = await self.repo.totals(community.id)
        min_group = community.min_group or self.min_group  # the leads' choice, else the default
        if totals.members >= min_group:
            reached = rules.checkin_thresholds(totals.checkins)
            found += await self._threshold(community, CHECKINS, reached, done, now)
        found += await self._kudos(community, local, done, now)
        streak_days, streaking = await self._streak_days(community, joined, now)
        if streaking >= min_group:
            reached = rules.streak_day_thresholds(streak_days)
            found += await self._threshold(community, STREAK_DAYS, reached, done, now)
        return found

    async def _threshold(
        self,
        community: CommunityRow,
        kind: str,
        reached: list[int],
        done: set[str],
        now: datetime,
    ) -> list[CommunityCelebration]:
        crossed = rules.newly_crossed(reached, {int(k.split(":")[1]) for k in done if _is(k, kind)})
        top = rules.to_post(crossed)
        posted: list[CommunityCelebration] = []
        for value in crossed:
            key = f"{kind}:{value}"
            if await self.repo.mark_celebrated(community.id, key, now) and value == top:
                posted.append(CommunityCelebration(community, kind, value, key))
        return posted

    async def _kudos(
        self, community: CommunityRow, local: datetime, done: set[str], now: datetime
    ) -> list[CommunityCelebration]:
        """Kudos shared this month: the highest threshold newly reached, once a month each."""
        first, after = rules.month_bounds(local.date())
        tz = local.tzinfo
        given = await self.repo.kudos_between(
            community.id,
            datetime.combine(first, time(0), tz),
            datetime.combine(after, time(0), tz),
        )
        month = f"{KUDOS}:{first:%Y-%m}"
        crossed = [t for t in rules.kudos_thresholds(given) if f"{month}:{t}" not in done]
        posted: list[CommunityCelebration] = []
        for value in crossed:
            key = f"{month}:{value}"
            if await self.repo.mark_celebrated(community.id, key, now) and value == max(crossed):
                posted.append(CommunityCelebration(community, KUDOS, value, key))
        return posted

    async def _streak_days(
        self, community: CommunityRow, joined: list[Joined], now: datetime
    ) -> tuple[int, int]:
        """The members' combined current streak days, and how many members have a streak:
        from each member's stored streak, counted in the zone it was kept in."""
        members = {j.member.id for j in joined}
        total = streaking = 0
        for n, (member_id, zone, last_day, current, grace) in enumerate(
            await self.repo.streaks(community.id)
        ):
            if n % YIELD_EVERY == YIELD_EVERY - 1:
                await asyncio.sleep(0)
            if member_id not in members:
                continue
            today = local_date(now, ZoneInfo(zone))
            streak = Streak(last_day, current, current, grace).on(today)
            if streak:
                total += streak
                streaking += 1
        return total, streaking

    # -- members' anniversaries of joining ---------------------------------------------------
    async def _joined(
        self, community: CommunityRow, joined: list[Joined], now: datetime
    ) -> list[JoinAnniversary]:
        found: list[JoinAnniversary] = []
        for n, j in enumerate(joined):
            if n % YIELD_EVERY == YIELD_EVERY - 1:
                await asyncio.sleep(0)  # thousands of members: let replies through
            tz = self.people.timezone(j.member, community)
            local = now.astimezone(tz)
            if local.time() < CELEBRATE_AT:
                continue
            years = rules.anniversary_on(local_date(j.joined_at, tz), local.date())
            if not years:
                continue
            key = f"joined:{community.id}:{years}"
            if await self.ledger.mark_celebrated(j.member.id, key, now):
                public = j.member.celebrate_public and community.celebrate
                found.append(JoinAnniversary(community, j.member, years, public, key))
        return found


def _is(key: str, kind: str) -> bool:
    head, _, value = key.partition(":")
    return head == kind and value.isdigit()
