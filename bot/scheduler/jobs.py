"""A job is a trigger plus a coroutine that returns replies; the same triggers drive real time
(APScheduler's AsyncIOScheduler) and the console's simulated clock (`Timeline`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from bot.core.clock import SimulatedClock
from bot.core.messages import Reply
from bot.storage.database import BACKGROUND

log = logging.getLogger(__name__)

Deliver = Callable[[list[Reply]], Awaitable[None]]
JobRun = Callable[[Any, datetime], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Job:
    name: str
    trigger: BaseTrigger
    run: JobRun


async def run_job(job: Job, services: Any, at: datetime, deliver: Deliver) -> None:
    token = BACKGROUND.set(True)  # the job's reads go behind members' commands
    try:
        replies = await job.run(services, at)
    except Exception:
        log.exception("job %s failed at %s", job.name, at.isoformat())
        return
    finally:
        BACKGROUND.reset(token)
    if replies:
        await deliver(replies)


class Timeline:
    """Moves the simulated clock to a target, firing every job due on the way, in time order.

    Jobs are asked for at every step (a firing may add or pause schedules), and `settle` runs
    after each firing so that what it queued is sent at that simulated moment.
    """

    def __init__(
        self,
        jobs: Callable[[], Awaitable[list[Job]]],
        clock: SimulatedClock,
        services: Any,
        deliver: Deliver,
        settle: Callable[[], Awaitable[object]],
    ) -> None:
        self.jobs = jobs
        self.clock = clock
        self.services = services
        self.deliver = deliver
        self.settle = settle

    @staticmethod
    def _next(job: Job, after: datetime) -> datetime | None:
        return job.trigger.get_next_fire_time(None, after + timedelta(microseconds=1))

    async def advance_to(self, target: datetime) -> None:
        if target < self.clock.now():
            raise ValueError("the clock only moves forward")
        floor = self.clock.now()  # fire times after this moment, up to and including target
        fired: dict[str, datetime] = {}
        while True:
            jobs = await self.jobs()
            upcoming = [
                (self._next(job, fired.get(job.name, floor)), i) for i, job in enumerate(jobs)
            ]
            due = sorted((at, i) for at, i in upcoming if at is not None and at <= target)
            if not due:
                break
            at, index = due[0]
            self.clock.set(at)
            fired[jobs[index].name] = at
            await run_job(jobs[index], self.services, at, self.deliver)
            await self.settle()
        self.clock.set(target)
        await self.settle()


def start_realtime(jobs: Sequence[Job], services: Any, deliver: Deliver) -> AsyncIOScheduler:
    """Real time: APScheduler 3 keeps the triggers in memory; our tables hold what must last."""
    scheduler = AsyncIOScheduler()
    for job in jobs:
        scheduler.add_job(
            _fire,
            job.trigger,
            args=(job, services, deliver),
            id=job.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
    scheduler.start()
    return scheduler


async def _fire(job: Job, services: Any, deliver: Deliver) -> None:
    await run_job(job, services, services.clock.now(), deliver)
