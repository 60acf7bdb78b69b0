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


async def run_job(job: Job, services: Any, at: datetime, deliver: Deliver) -> bool:
    """Fire `job` at `at`; True when it had anything to send."""
    token = BACKGROUND.set(True)  # the job's reads go behind members' commands
    try:
        replies = await job.run(services, at)
    except Exception:
        log.exception("job %s failed at %s", job.name, at.isoformat())
        return False
    finally:
        BACKGROUND.reset(token)
    if replies:
        await deliver(replies)
    return bool(replies)


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
        """What a firing queued is sent at its moment (`settle` after each). Each job's next
        moment is kept until it fires, and the jobs are asked for again only after a firing
        that queued or sent anything, since only such a firing changes them: a job that fires
        every minute with nothing to do (a simulated month is 43,200 of its firings) then
        reads nothing. `settle` returns how many messages it handled."""
        if target < self.clock.now():
            raise ValueError("the clock only moves forward")
        floor = self.clock.now()  # fire times after this moment, up to and including target
        fired: dict[str, datetime] = {}
        jobs: list[Job] | None = None
        upcoming: dict[str, datetime | None] = {}
        while True:
            if jobs is None:
                jobs = await self.jobs()
                upcoming = {job.name: self._next(job, fired.get(job.name, floor)) for job in jobs}
            due = sorted(
                (at, i) for i, job in enumerate(jobs) if (at := upcoming[job.name]) and at <= target
            )
            if not due:
                break
            at, index = due[0]
            job = jobs[index]
            self.clock.set(at)
            fired[job.name] = at
            upcoming[job.name] = self._next(job, at)
            sent = await run_job(job, self.services, at, self.deliver)
            if await self.settle() or sent:
                jobs = None
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
