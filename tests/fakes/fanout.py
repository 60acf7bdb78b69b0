"""A fan-out queued straight into a PostgreSQL database's outbox, as a schedule's firing queues
one while Haven's processes run: the leader hears of it and sends it."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime

from bot.core.messages import Actor, Place, private, public
from bot.storage.invalidation import OUTBOX
from bot.storage.outbox import BULK, OutboxItem, OutboxRepo
from bot.storage.postgres import PgDatabase


async def queue_fanout(database: str, text: str, members: list[int], groups: list[int]) -> None:
    """`text` to each member's direct chat and to each group on Telegram, keyed fanout:<id>."""
    items = [
        OutboxItem(
            f"fanout:{user}",
            private(text, to=Actor("telegram", str(user), f"Member{user}")),
            None,
            BULK,
        )
        for user in members
    ]
    items += [
        OutboxItem(
            f"fanout:{group}", public(text, to=Place("telegram", str(group), False)), None, BULK
        )
        for group in groups
    ]
    db = PgDatabase(database, min_size=1, max_size=2)
    await db.open()
    try:
        await OutboxRepo(db).enqueue(items, datetime.now(UTC))
        db.changed(OUTBOX, None)  # as Outbox.enqueue announces it
    finally:
        await db.close()


async def stop_processes(processes: list[asyncio.subprocess.Process], wait: float = 20) -> None:
    """SIGTERM to each `haven run` still running, then SIGKILL to any that outlast `wait`."""
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            await asyncio.wait_for(process.wait(), wait)
        except TimeoutError:
            process.kill()
