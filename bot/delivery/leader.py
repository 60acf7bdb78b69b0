"""Exactly one process at a time does the timed work: the scheduler's firings and jobs, and the
outbox senders. Every process answers members; only the leader sends what was queued.

On SQLite there is one process per database, so it leads. On PostgreSQL the leader is the
process holding a session advisory lock on a connection of its own. When that process dies,
its connection closes and PostgreSQL releases the lock at once; another process, trying every
`retry` seconds, takes it and starts the work. The new leader's outbox first settles what its
predecessor left half-sent (bot/delivery/outbox.py `start`): a message claimed but never tried
is sent, one that was being tried is not sent again. A leader that loses its connection (the
lock may then go to another) stops its work at its next look, within `retry` seconds.

Changes made in any process reach the leader as every change does (bot/storage/
invalidation.py, NOTIFY on PostgreSQL): a schedule added or paused is replanned there, and a
message queued is sent at once instead of at the leader's next idle look.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable

import asyncpg

log = logging.getLogger(__name__)
LEADER_LOCK = 7_236_111  # the advisory lock's key (the migration lock is another)
RETRY = 1.0  # seconds between a follower's tries, and between a leader's looks at its lock


class Leadership:
    def __init__(
        self,
        url: str | None,
        start: Callable[[], Awaitable[None]],
        stop: Callable[[], Awaitable[None]],
        *,
        retry: float = RETRY,
    ) -> None:
        """`url` None: the only process (SQLite), which leads at once."""
        self.url = url
        self._start, self._stop = start, stop
        self.retry = retry
        self.leading = False
        self.elected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._conn: asyncpg.Connection | None = None

    async def begin(self) -> None:
        """Lead now (SQLite), or start trying to (PostgreSQL) in the background."""
        if self.url is None:
            await self._lead()
            return
        self._task = asyncio.get_running_loop().create_task(self._contend(), name="haven-leader")

    async def end(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._step_down()
        await self._disconnect()

    async def _lead(self) -> None:
        await self._start()
        self.leading = True
        self.elected.set()
        log.warning("this process leads: it runs the scheduler and sends queued messages")

    async def _step_down(self) -> None:
        if self.leading:
            self.leading = False
            self.elected.clear()
            await self._stop()

    async def _disconnect(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._conn.close(), 2.0)
            self._conn = None

    async def _contend(self) -> None:
        assert self.url is not None
        while True:
            try:
                if self._conn is None or self._conn.is_closed():
                    self._conn = await asyncpg.connect(
                        self.url,
                        server_settings={"application_name": f"haven-leader-{os.getpid()}"},
                    )
                got = await asyncio.wait_for(
                    self._conn.fetchval("SELECT pg_try_advisory_lock($1)", LEADER_LOCK),
                    self.retry * 5,
                )
                if got:
                    await self._lead()
                    await self._hold()
            except (OSError, asyncpg.PostgresError, TimeoutError) as error:
                log.warning("leadership: the database connection failed (%s)", error)
            except asyncpg.InterfaceError as error:
                log.warning("leadership: the database connection went away (%s)", error)
            await self._step_down()
            if self._conn is not None and self._conn.is_closed():
                self._conn = None
            await asyncio.sleep(self.retry)

    async def _hold(self) -> None:
        """Look at the lock's connection every `retry` seconds; return when it is gone."""
        assert self._conn is not None
        while True:
            await asyncio.sleep(self.retry)
            await asyncio.wait_for(self._conn.fetchval("SELECT 1"), self.retry * 5)
