"""Schedule rows to timed firings, on real time (a heap of next firings) or on the simulated
clock.

A firing builds its outbox rows and records them with the ledger row in one transaction, then
wakes the outbox. At start, firings missed while the bot was down are caught up (at most one
per schedule, within the grace window).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import heapq
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.delivery.outbox import Outbox
from bot.scheduler.jobs import Job
from bot.services.schedules import PLAN_BETWEEN_YIELDS
from bot.storage.database import BACKGROUND
from bot.storage.invalidation import SCHEDULE
from bot.storage.outbox import OutboxItem
from bot.storage.schedules import ScheduleRow

log = logging.getLogger(__name__)
IDLE = 30.0  # the longest sleep: a clock that jumps (suspend, NTP) is noticed this soon
FIRE_TOGETHER = 16  # firings due at once are built and recorded this many at a time

BuildItems = Callable[[Any, ScheduleRow, datetime], Awaitable[list[OutboxItem]]]


class ScheduleRunner:
    def __init__(self, services: Any, build_items: BuildItems, outbox: Outbox) -> None:
        self.services = services
        self.build_items = build_items
        self.outbox = outbox
        self._heap: list[tuple[datetime, int]] = []  # (next fire time, schedule id)
        self._next: dict[int, datetime] = {}  # schedule id -> its live heap entry's time
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._replans: set[asyncio.Task[None]] = set()
        # A change anywhere (this process, or another on PostgreSQL) reaches the runner of
        # the process that leads; elsewhere `changed` does nothing.
        services.schedules.on_change = lambda schedule_id: services.db.changed(
            SCHEDULE, schedule_id
        )
        services.db.on_change(SCHEDULE, self._heard)

    async def fire(self, row: ScheduleRow, fire_time: datetime) -> bool:
        """True when this firing was new; a firing already in the ledger does nothing."""
        items = await self.build_items(self.services, row, fire_time)
        recorded = await self.services.schedules.record(row, fire_time, items)
        if recorded:
            self.outbox.kick({i.reply.to.platform for i in items if i.reply.to is not None})
            log.info("schedule #%s fired for %s (%d messages)", row.id, fire_time, len(items))
        return recorded

    async def catch_up(self) -> int:
        token = BACKGROUND.set(True)
        try:
            return await self._catch_up()
        finally:
            BACKGROUND.reset(token)

    async def _catch_up(self) -> int:
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
    # Each active schedule is one (next fire time, id) entry in a heap and one entry in
    # `_next`; a change replans only that schedule, a firing plans only its own next one, and
    # the row is read again when it fires. So memory per schedule is a few hundred bytes and
    # no change costs more than one schedule's work, however many there are.

    async def start_realtime(self) -> None:
        """Plan every active schedule's next firing (yielding every 20), then run."""
        now = self.services.clock.now()
        for n, row in enumerate(await self.services.schedules.active()):
            self._plan(row, now)
            if n % PLAN_BETWEEN_YIELDS == PLAN_BETWEEN_YIELDS - 1:
                await asyncio.sleep(0)
        # The plan (and the triggers built for it) lives as long as the process: out of the
        # garbage collector's reach, as at App.start, or a full collection walking it stalls
        # the event loop (about 100 ms with 5,000 schedules).
        gc.collect()
        gc.freeze()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="haven-schedules")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @property
    def planned(self) -> int:
        """How many schedules have a firing planned."""
        return len(self._next)

    def poke(self) -> None:
        """Look at the clock again now (after a change, or a test moving a simulated clock)."""
        self._wake.set()

    def _plan(self, row: ScheduleRow, after: datetime) -> None:
        at = None if row.paused else self.services.schedules.next_fire(row, after)
        if at is None:
            self._next.pop(row.id, None)
            return
        self._next[row.id] = at
        heapq.heappush(self._heap, (at, row.id))
        self.poke()

    def _heard(self, schedule_id: int | None) -> None:
        if schedule_id is not None:
            self.changed(schedule_id)
        elif self._task is not None:  # a notice may have been missed: plan everything again
            task = asyncio.get_running_loop().create_task(self._replan_all())
            self._replans.add(task)
            task.add_done_callback(self._replans.discard)

    async def _replan_all(self) -> None:
        now = self.services.clock.now()
        for row in await self.services.schedules.active():
            self._plan(row, now)

    def changed(self, schedule_id: int) -> None:
        """A schedule was added, paused, resumed or removed: replan that one only."""
        if self._task is None:
            return
        replan = asyncio.get_running_loop().create_task(self._replan(schedule_id))
        self._replans.add(replan)
        replan.add_done_callback(self._replans.discard)

    async def _replan(self, schedule_id: int) -> None:
        row = await self.services.schedules.get(schedule_id)
        if row is None:
            self._next.pop(schedule_id, None)
        else:
            self._plan(row, self.services.clock.now())

    async def _run(self) -> None:
        BACKGROUND.set(True)  # firings read behind members' commands
        while True:
            self._wake.clear()
            now = self.services.clock.now()
            while self._heap and self._next.get(self._heap[0][1]) != self._heap[0][0]:
                heapq.heappop(self._heap)  # replanned or removed since
            if not self._heap or self._heap[0][0] > now:
                wait = (self._heap[0][0] - now).total_seconds() if self._heap else IDLE
                with contextlib.suppress(TimeoutError):  # asyncio.timeout: see Outbox._work
                    async with asyncio.timeout(min(max(wait, 0.0), IDLE)):
                        await self._wake.wait()
                continue
            due: list[tuple[datetime, int]] = []
            while self._heap and self._heap[0][0] <= now:
                at, schedule_id = heapq.heappop(self._heap)
                if self._next.get(schedule_id) == at:
                    del self._next[schedule_id]
                    due.append((at, schedule_id))
            # Together in chunks, so their writes share commits; the loop stays responsive.
            for start in range(0, len(due), FIRE_TOGETHER):
                chunk = due[start : start + FIRE_TOGETHER]
                await asyncio.gather(*(self._fire_planned(at, sid, now) for at, sid in chunk))

    async def _fire_planned(self, at: datetime, schedule_id: int, now: datetime) -> None:
        """Fire at the planned trigger time (the ledger key); a firing found later than the
        grace window (the machine slept) is skipped. The next firing is planned either way."""
        row = await self.services.schedules.get(schedule_id)
        if row is None or row.paused:
            return
        try:
            if now - at <= self.services.schedules.grace:
                await self.fire(row, at)
            else:
                log.warning(
                    "schedule #%s firing at %s is past the grace window; skipped", row.id, at
                )
        except Exception:
            log.exception("schedule #%s failed to fire", row.id)
        finally:
            self._plan(row, max(at, now))
