"""The outbox worker: takes due rows, sends them through their platform's adapter (whose
limiter keeps the platform's rate limits), and settles each one exactly once.

Retries: transient failures (5xx, timeouts, a 429 that outlasted its one retry) come back
after a jittered exponential backoff, at most `max_attempts` times. A member who blocked the
bot is marked unreachable and skipped from then on, not retried forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.core.clock import Clock
from bot.core.messages import Reply
from bot.delivery.errors import Rejected, Transient, Unreachable
from bot.storage.outbox import CRISIS, OutboxItem, OutboxRepo, OutboxRow

log = logging.getLogger(__name__)

Attempt = Callable[[], Awaitable[None]]


class Sender(Protocol):
    """An adapter's send: it awaits `attempt()` just before the request reaches the platform
    (after its rate limiter let it through), so the outbox knows what a crash interrupted."""

    async def __call__(self, reply: Reply, *, attempt: Attempt | None = None) -> None: ...


OnUnreachable = Callable[[int], Awaitable[None]]
BASE_BACKOFF = 2.0
MAX_BACKOFF = 300.0
IDLE_POLL = 5.0


class Outbox:
    def __init__(
        self,
        repo: OutboxRepo,
        clock: Clock,
        *,
        on_unreachable: OnUnreachable | None = None,
        max_attempts: int = 5,
        concurrency: int = 64,
        rng: random.Random | None = None,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.on_unreachable = on_unreachable
        self.max_attempts = max_attempts
        self.concurrency = concurrency
        self.rng = rng or random.Random()
        self.senders: dict[str, Sender] = {}
        self._wake: dict[str, asyncio.Event] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        # platform -> the moment before which this process knows nothing is due (the
        # simulated clock's settling; forgotten on anything queued or announced).
        self._quiet_until: dict[str, datetime] = {}
        # Told of what was queued, beside this process's own workers (on PostgreSQL: the
        # leader, which may be another process; bot/delivery/leader.py).
        self.announce: Callable[[set[str]], None] = lambda platforms: None

    def register(self, platform: str, sender: Sender) -> None:
        self.senders[platform] = sender
        self._wake.setdefault(platform, asyncio.Event())

    async def enqueue(self, items: list[OutboxItem]) -> int:
        added = await self.repo.enqueue(items, self.clock.now())
        platforms = {i.reply.to.platform for i in items if i.reply.to is not None}
        self.kick(platforms)
        if added:
            self.announce(platforms)
        return added

    def kick(self, platforms: set[str]) -> None:
        self._quiet_until.clear()  # something was queued, here or elsewhere: look again
        for platform in platforms:
            if platform in self._wake:
                self._wake[platform].set()

    # -- running ------------------------------------------------------------------------
    async def start(self) -> None:
        """Settle what a crash left half-sent, then run one worker per platform."""
        for platform in self.senders:
            requeued, skipped = await self.repo.interrupted(platform, self.clock.now())
            if requeued:
                log.info(
                    "%d %s messages claimed but never sent are queued again", requeued, platform
                )
            if skipped:
                log.warning(
                    "%d %s messages were in flight when the bot stopped; not resent "
                    "(to avoid duplicates)",
                    skipped,
                    platform,
                )
            self._workers[platform] = asyncio.create_task(self._work(platform))

    async def stop(self) -> None:
        for task in self._workers.values():
            task.cancel()
        for task in self._workers.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers.clear()

    async def _work(self, platform: str) -> None:
        wake = self._wake[platform]
        while True:
            sent = await self.drain(platform)
            if sent:
                continue
            wake.clear()
            due = await self.repo.next_due(platform)
            timeout = IDLE_POLL
            if due is not None:
                timeout = min(IDLE_POLL, max((due - self.clock.now()).total_seconds(), 0.05))
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow the
            # cancellation that stop() sends when the event is set at the same moment.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await wake.wait()

    async def drain_due(self, platform: str) -> int:
        """`drain`, unless this process knows nothing can be due yet: after a look, the next
        due moment is kept until something is queued or announced. The simulated clock
        settles after every job it fires (43,200 times a simulated month for an every-minute
        job); this keeps the idle ones from reading the outbox."""
        until = self._quiet_until.get(platform)
        if until is not None and self.clock.now() < until:
            return 0
        handled = await self.drain(platform)
        due = await self.repo.next_due(platform)
        self._quiet_until[platform] = due if due is not None else datetime.max.replace(tzinfo=UTC)
        return handled

    async def drain(self, platform: str) -> int:
        """Send every row due now for `platform`; returns how many rows were handled.

        A pipeline rather than batches: new rows are claimed as soon as sends finish, so the
        platform's limiter always has work and the rate never dips between batches.
        """
        handled = 0
        running: set[asyncio.Task[None]] = set()
        exhausted = False
        try:
            while True:
                free = self.concurrency - len(running)
                if free > 0 and not exhausted:
                    rows = await self.repo.claim(platform, self.clock.now(), free)
                    exhausted = len(rows) < free
                    for row in rows:
                        running.add(asyncio.create_task(self._send(platform, row)))
                    handled += len(rows)
                if not running:
                    if exhausted:
                        return handled
                    continue
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()
                if exhausted and not running:
                    exhausted = False  # look once more: rows may have become due meanwhile
        finally:
            for task in running:
                task.cancel()

    async def _send(self, platform: str, row: OutboxRow) -> None:
        sender = self.senders.get(platform)
        now = self.clock.now
        if sender is None:
            await self.repo.retry_later(
                row.id, now() + timedelta(seconds=IDLE_POLL), f"no {platform} adapter running"
            )
            return

        async def attempt() -> None:
            await self.repo.attempt(row.id, now())

        try:
            await sender(row.reply, attempt=attempt)
        except Unreachable as error:
            if row.member_id is not None and self.on_unreachable is not None:
                await self.on_unreachable(row.member_id)  # marked before the row is settled
            await self.repo.settle(row.id, "skipped", now(), f"unreachable: {error}")
            await self._report(row, "undelivered")
        except Transient as error:
            if row.attempts >= self.max_attempts:
                log.error(
                    "giving up on outbox %s after %d attempts: %s", row.key, row.attempts, error
                )
                await self.repo.settle(row.id, "failed", now(), str(error))
                await self._report(row, "undelivered")
            else:
                delay = min(MAX_BACKOFF, BASE_BACKOFF * 2 ** (row.attempts - 1))
                delay *= 0.5 + self.rng.random()  # jitter: retries from a fan-out spread out
                await self.repo.retry_later(row.id, now() + timedelta(seconds=delay), str(error))
        except Rejected as error:
            await self.repo.settle(row.id, "failed", now(), str(error))
            await self._report(row, "undelivered")
        except Exception as error:  # a bug must not stop the worker or resend the message
            log.exception("outbox %s failed", row.key)
            await self.repo.settle(row.id, "failed", now(), repr(error))
            await self._report(row, "undelivered")
        else:
            await self.repo.settle(row.id, "sent", now())
            await self._report(row, "sent")

    async def _report(self, row: OutboxRow, outcome: str) -> None:
        """Tell whoever is waiting how a message ended (a member, of their lead alert)."""
        report = row.reports.get(outcome)
        if report is not None and report.to is not None:
            await self.enqueue([OutboxItem(f"{row.key}:{outcome}", report, None, CRISIS)])
