"""Several processes serving one bot keep Telegram's overall limit together, through the ledger
of places on PostgreSQL (flood_places), while one process's fan-out may use what the others
leave free. Each limiter here stands for a process: its own clock, its own database pool, one
server; the sends are timed as they reach the "platform" (the callback)."""

from __future__ import annotations

import asyncio
import time

from adapters.telegram.limits import BULK, LEDGER_MARGIN, LEDGER_WINDOW, FloodLimiter
from bot.storage.postgres import PgDatabase

OVERALL = 12  # a small bot-wide limit, so the test takes seconds


async def process(dsn: str, share: int) -> tuple[FloodLimiter, PgDatabase]:
    db = PgDatabase(dsn, min_size=1, max_size=4)
    await db.open()
    limiter = FloodLimiter(overall_per_second=OVERALL)
    limiter.share = share
    limiter.ledger = lambda cap: db.flood_wait("telegram", cap, LEDGER_WINDOW)
    return limiter, db


async def send(limiter: FloodLimiter, chats: range, arrivals: list[float], bulk: bool) -> None:
    async def call() -> bool:
        arrivals.append(time.monotonic())
        return True

    args = BULK if bulk else None
    await asyncio.gather(
        *(
            limiter.process_request(call, (), {}, "sendMessage", {"chat_id": str(c)}, args)
            for c in chats
        )
    )


def most_in_a_second(arrivals: list[float]) -> int:
    ordered = sorted(arrivals)
    return max(len([t for t in ordered if start <= t < start + 1.0]) for start in ordered)


async def test_three_processes_together_stay_under_the_bots_limit(pg_database: str) -> None:
    sides = [await process(pg_database, 3) for _ in range(3)]
    arrivals: list[float] = []
    try:
        started = time.monotonic()
        await asyncio.gather(
            *(
                send(limiter, range(1000 * k, 1000 * k + 14), arrivals, bulk=k == 0)
                for k, (limiter, _) in enumerate(sides)
            )
        )
        took = time.monotonic() - started
    finally:
        for _, db in sides:
            await db.close()
    assert len(arrivals) == 42
    assert most_in_a_second(arrivals) <= OVERALL - LEDGER_MARGIN
    # Not a third each: together they use the bot's whole second (42 sends at 10 a second).
    assert took < 5.5, took


async def test_one_process_fan_out_uses_what_the_others_leave_free(pg_database: str) -> None:
    (leader, db), (_, other) = await process(pg_database, 2), await process(pg_database, 2)
    arrivals: list[float] = []
    try:
        started = time.monotonic()
        await send(leader, range(30), arrivals, bulk=True)
        took = time.monotonic() - started
    finally:
        await db.close()
        await other.close()
    # Its share alone (6 a second) would take 5 s; the ledger lets it send 9 a second.
    assert most_in_a_second(arrivals) <= OVERALL - LEDGER_MARGIN - 1
    assert took < 4.0, took


async def test_without_the_ledger_a_process_keeps_to_its_share(pg_database: str) -> None:
    limiter, db = await process(pg_database, 2)
    await db.close()  # the database is away: the ledger fails, the share holds
    arrivals: list[float] = []
    await send(limiter, range(14), arrivals, bulk=False)
    assert most_in_a_second(arrivals[1:]) <= OVERALL // 2
