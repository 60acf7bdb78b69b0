"""Schedule rows to timed firings, on real time (APScheduler 3) or on the simulated clock.

A firing builds its outbox rows and records them with the ledger row in one transaction, then
wakes the outbox. At start, firings missed while the bot was down are caught up (at most one
per schedule, within the grace window).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.outbox import Outbox
from bot.scheduler.jobs import Job
from bot.storage.outbox import OutboxItem
from bot.storage.schedules import ScheduleRow

log = logging.getLogger(__name__)

BuildItems = Callable[[Any, ScheduleRow, datetime], Awaitable[list[OutboxItem]]]


class ScheduleRunner:
    def __init__(self, services: Any, build_items: BuildItems, outbox: Outbox) -> None:
        self.services = services
        self.build_items = build_items
        self.outbox = outbox
        self._scheduler: AsyncIOScheduler | None = None
        services.schedules.on_change = self.refresh

    async def fire(self, row: ScheduleRow, fire_time: datetime) -> bool:
        """True when this firing was new; a firing already in the ledger does nothing."""
        items = await self.build_items(self.services, row, fire_time)
        recorded = await self.services.schedules.record(row, fire_time, items)
        if recorded:
            self.outbox.kick({i.reply.to.platform for i in items if i.reply.to is not None})
            log.info("schedule #%s fired for %s (%d messages)", row.id, fire_time, len(items))
        return recorded

    async def catch_up(self) -> int:
        fired = 0
        for row, fire_time in await self.services.schedules.missed(self.services.clock.now()):
            fired += await self.fire(row, fire_time)
        return fired

    async def jobs(self) -> list[Job]:
        """The simulated clock's view: one job per active schedule, with its own trigger."""
        return [
            Job(f"schedule:{row.id}", self.services.schedules.trigger(row), self._firing_job(row))
            for row in await self.services.schedules.active()
        ]

    def _firing_job(self, row: ScheduleRow) -> Callable[[Any, datetime], Awaitable[list[Any]]]:
        async def run(services: Any, at: datetime) -> list[Any]:
            await self.fire(row, at)
            return []

        return run

    # -- real time ----------------------------------------------------------------------
    def attach(self, scheduler: AsyncIOScheduler) -> None:
        self._scheduler = scheduler
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the in-memory jobs from the rows (after any schedule change)."""
        if self._scheduler is None:
            return
        asyncio.get_running_loop().create_task(self._refresh())

    async def _refresh(self) -> None:
        scheduler = self._scheduler
        if scheduler is None:
            return
        for job in scheduler.get_jobs():
            if job.id.startswith("schedule:"):
                job.remove()
        grace = self.services.schedules.grace
        for row in await self.services.schedules.active():
            scheduler.add_job(
                self._fire_now,
                self.services.schedules.trigger(row),
                args=(row,),
                id=f"schedule:{row.id}",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=int(grace.total_seconds()) or None,
            )

    async def _fire_now(self, row: ScheduleRow) -> None:
        """APScheduler calls at the fire time; the ledger key is that trigger time."""
        now = self.services.clock.now()
        trigger = self.services.schedules.trigger(row)
        fire_time = trigger.get_next_fire_time(None, now - timedelta(minutes=1))
        if fire_time is None or fire_time > now + timedelta(seconds=1):
            fire_time = now.replace(microsecond=0)
        try:
            await self.fire(row, fire_time)
        except Exception:
            log.exception("schedule #%s failed to fire", row.id)
