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

log = logging.getLogger(__name__)

Deliver = Callable[[list[Reply]], Awaitable[None]]
JobRun = Callable[[Any, datetime], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Job:
    name: str
    trigger: BaseTrigger
    run: JobRun


async def run_job(job: Job, services: Any, at: datetime, deliver: Deliver) -> None:
    try:
        replies = await job.run(services, at)
    except Exception:
        log.exception("job %s failed at %s", job.name, at.isoformat())
        return
    if replies:
        await deliver(replies)


class Timeline:
    """Moves the simulated clock to a target, firing every job due on the way, in time order."""

    def __init__(
        self, jobs: Sequence[Job], clock: SimulatedClock, services: Any, deliver: Deliver
    ) -> None:
        self.jobs = list(jobs)
        self.clock = clock
        self.services = services
        self.deliver = deliver

    def _next(self, job: Job, after: datetime) -> datetime | None:
        return job.trigger.get_next_fire_time(None, after + timedelta(microseconds=1))

    async def advance_to(self, target: datetime) -> None:
        if target < self.clock.now():
            raise ValueError("the clock only moves forward")
        while True:
            now = self.clock.now()
            upcoming = [(self._next(job, now), i) for i, job in enumerate(self.jobs)]
            due = sorted((at, i) for at, i in upcoming if at is not None and at <= target)
            if not due:
                break
            at, index = due[0]
            self.clock.set(at)
            await run_job(self.jobs[index], self.services, at, self.deliver)
        self.clock.set(target)


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
