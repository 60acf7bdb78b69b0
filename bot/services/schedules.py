"""Leads' schedules and members' reminders: validation, the rows, and which firings are due.

Rows are the source of truth; triggers are rebuilt from them (cached per row version). A
firing is recorded in the ledger together with its outbox rows, so it happens once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from bot.core.clock import Clock
from bot.domain.schedule_spec import Impossible, Spec, describe, parse_spec
from bot.i18n import _, ngettext
from bot.scheduler.triggers import fire_times, shortest_gap, trigger_for
from bot.storage.outbox import OutboxItem
from bot.storage.schedules import NewSchedule, ScheduleRepo, ScheduleRow

log = logging.getLogger(__name__)
MAX_PER_COMMUNITY = 20
MIN_GAP = timedelta(hours=1)
KINDS = ("checkin", "rules", "summary", "reminder", "prompt")
TRIGGER_CACHE = 1024
PLAN_BETWEEN_YIELDS = 20  # schedules looked at between two turns of the event loop (~15 ms)


@dataclass(frozen=True)
class Listed:
    row: ScheduleRow
    description: str
    next_fire: datetime | None


class ScheduleService:
    def __init__(self, repo: ScheduleRepo, clock: Clock, grace: timedelta) -> None:
        self.repo = repo
        self.clock = clock
        self.grace = grace
        self.on_change: Callable[[int], None] = lambda schedule_id: None
        # Triggers by row version, least recently used dropped first: bounded whatever the
        # number of schedules.
        self._triggers: OrderedDict[tuple[int, str, str], BaseTrigger] = OrderedDict()

    # -- validation ---------------------------------------------------------------------
    def check(self, when: str, zone: ZoneInfo) -> Spec:
        """Parse and vet a `<when>`; raises ValueError with the member-facing reason (Impossible
        when it was read but can never be kept)."""
        spec = parse_spec(when)
        trigger = trigger_for(spec, zone, self.clock.now())
        if trigger.get_next_fire_time(None, self.clock.now()) is None:
            raise Impossible(_("{schedule} never happens").format(schedule=describe(spec)))
        if shortest_gap(trigger, self.clock.now()) < MIN_GAP:
            raise Impossible(_("schedules may fire at most once an hour"))
        return spec

    # -- leads' schedules ---------------------------------------------------------------
    async def create(self, new: NewSchedule) -> ScheduleRow:
        if new.community_id is not None:
            existing = await self.repo.of_community(new.community_id)
            if len(existing) >= MAX_PER_COMMUNITY:
                raise ValueError(
                    ngettext(
                        "a group can have at most {n} schedule; remove one first",
                        "a group can have at most {n} schedules; remove one first",
                        MAX_PER_COMMUNITY,
                    ).format(n=MAX_PER_COMMUNITY)
                )
        schedule_id = await self.repo.add(new, self.clock.now())
        row = await self.repo.get(schedule_id)
        assert row is not None
        self.on_change(row.id)
        return row

    async def listing(self, community_id: int) -> list[Listed]:
        now = self.clock.now()
        found = []
        for row in await self.repo.of_community(community_id):
            spec = parse_spec(row.spec)
            nxt = None if row.paused else self.trigger(row).get_next_fire_time(None, now)
            found.append(Listed(row, describe(spec), nxt))
        return found

    async def owned(self, community_id: int, schedule_id: int) -> ScheduleRow:
        row = await self.repo.get(schedule_id)
        if row is None or row.community_id != community_id or row.member_id is not None:
            raise ValueError(
                _("this group has no schedule #{id}; /schedule list shows them").format(
                    id=schedule_id
                )
            )
        return row

    async def set_paused(self, community_id: int, schedule_id: int, paused: bool) -> ScheduleRow:
        row = await self.owned(community_id, schedule_id)
        await self.repo.set_paused(row.id, paused)
        self.on_change(row.id)
        return row

    async def remove(self, community_id: int, schedule_id: int) -> ScheduleRow:
        row = await self.owned(community_id, schedule_id)
        await self.repo.remove(row.id)
        self.on_change(row.id)
        return row

    # -- members' reminders -------------------------------------------------------------
    async def set_reminder(self, new: NewSchedule) -> ScheduleRow:
        assert new.member_id is not None
        existing = await self.repo.reminder_of(new.member_id)
        if existing is not None:
            await self.repo.remove(existing.id)
            self.on_change(existing.id)
        await self.repo.mark_unreachable(new.member_id, None)  # asking again: try again
        return await self.create(new)

    async def reminder_off(self, member_id: int) -> bool:
        existing = await self.repo.reminder_of(member_id)
        if existing is None:
            return False
        await self.repo.remove(existing.id)
        self.on_change(existing.id)
        return True

    async def pause_nudges(self, member_id: int, until: datetime | None) -> None:
        await self.repo.pause_nudges(member_id, until)

    # -- firing -------------------------------------------------------------------------
    def trigger(self, row: ScheduleRow) -> BaseTrigger:
        key = (row.id, row.spec, row.timezone)
        trigger = self._triggers.get(key)
        if trigger is None:
            trigger = trigger_for(parse_spec(row.spec), ZoneInfo(row.timezone), row.created_at)
            self._triggers[key] = trigger
            if len(self._triggers) > TRIGGER_CACHE:
                self._triggers.popitem(last=False)
        else:
            self._triggers.move_to_end(key)
        return trigger

    def next_after(
        self, when: str, zone: ZoneInfo, after: datetime, anchor: datetime
    ) -> datetime | None:
        """The first time `when` (a checked spec) happens strictly after `after`; `anchor` is
        where an "every N days" count starts (a recurring event's first occurrence)."""
        trigger = trigger_for(parse_spec(when), zone, anchor)
        return trigger.get_next_fire_time(None, after + timedelta(seconds=1))

    def next_fire(self, row: ScheduleRow, after: datetime) -> datetime | None:
        """The first firing strictly after `after`."""
        return self.trigger(row).get_next_fire_time(None, after + timedelta(seconds=1))

    async def get(self, schedule_id: int) -> ScheduleRow | None:
        return await self.repo.get(schedule_id)

    async def active(self) -> list[ScheduleRow]:
        return await self.repo.active()

    async def missed(self, now: datetime) -> list[tuple[ScheduleRow, datetime]]:
        """For each schedule, the latest firing missed while the bot was down, if it is within
        the grace window; older ones are skipped, with one log line for them all. Computed from
        each schedule's latest firing and the grace window, never by walking every firing
        missed (a year of them costs the same as one)."""
        due = []
        skipped = 0
        for n, (row, last) in enumerate(await self.repo.active_since()):
            if n % PLAN_BETWEEN_YIELDS == PLAN_BETWEEN_YIELDS - 1:
                await asyncio.sleep(0)  # thousands of schedules: let replies through
            since = last or row.created_at
            first = self.next_fire(row, since)
            if first is None or first > now:
                continue
            recent = fire_times(self.trigger(row), max(since, now - self.grace), now)
            if recent:
                due.append((row, recent[-1]))
            if first < (recent[0] if recent else now):
                skipped += 1
        if skipped:
            log.warning(
                "%d schedule(s) missed firings older than the grace window (%s) while the bot "
                "was down; those were skipped",
                skipped,
                self.grace,
            )
        return due

    async def record(self, row: ScheduleRow, fire_time: datetime, items: list[OutboxItem]) -> bool:
        return await self.repo.record_firing(row.id, fire_time, items, self.clock.now())

    async def nudge_state(self, member_id: int) -> tuple[datetime | None, datetime | None]:
        return await self.repo.nudge_state(member_id)

    async def mark_unreachable(self, member_id: int) -> None:
        await self.repo.mark_unreachable(member_id, self.clock.now())
