"""Check-ins per second through the whole path (dispatcher, parser, services, durable commit,
streak) beside a raw aiosqlite insert-and-commit loop with the same pragmas, in one run.

The ratio is the figure to watch: both sides pay the same fsync, so it holds on a noisy or slow
disk where the absolute rates do not.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.app import build
from bot.core.clock import SimulatedClock
from bot.core.messages import Actor, Place, Request
from bot.settings import Settings

MEMBERS = 50


async def raw_rate(path: Path, count: int) -> float:
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.execute(
            "CREATE TABLE checkins (id INTEGER PRIMARY KEY, member_id INTEGER, mood INTEGER, "
            "tags TEXT, note TEXT, at TEXT)"
        )
        started = time.perf_counter()
        for i in range(count):
            # Autocommit: the INSERT is its own durable transaction, the cheapest raw commit.
            await conn.execute(
                "INSERT INTO checkins (member_id, mood, tags, note, at) VALUES (?, ?, ?, ?, ?)",
                (i % MEMBERS, 4, "tired,hopeful", "a few words", datetime.now(UTC).isoformat()),
            )
        return count / (time.perf_counter() - started)


async def haven_rate(path: Path, count: int) -> float:
    clock = SimulatedClock(datetime(2026, 1, 5, 8, tzinfo=UTC))
    # No cooldown: the bench's members are machines checking in 40 times a second.
    app = build(Settings(bot={"database": path}), clock=clock, rng=random.Random(0), cooldown=False)
    await app.start()
    try:
        actors = [Actor("bench", f"m{i}", f"member{i}") for i in range(MEMBERS)]
        places = [Place("bench", f"dm:{a.user_id}", is_direct=True) for a in actors]
        for actor, place in zip(actors, places, strict=True):  # first sight, consent: unmeasured
            await app.handle(Request("consent", "yes", actor, place, clock.now()))
        started = time.perf_counter()
        for i in range(count):
            request = Request(
                "checkin",
                "4 tired,hopeful a few words",
                actors[i % MEMBERS],
                places[i % MEMBERS],
                clock.now(),
            )
            replies = await app.handle(request)
            if not replies[0].text.startswith("Recorded"):
                raise RuntimeError(f"unexpected reply: {replies[0].text}")
        return count / (time.perf_counter() - started)
    finally:
        await app.close()


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        raw = await raw_rate(Path(folder) / "raw.db", args.count)
        ours = await haven_rate(Path(folder) / "haven.db", args.count)
    print(f"check-ins: {args.count} durable commits each, {MEMBERS} members")
    print(f"  raw aiosqlite insert+commit : {raw:8.0f} /s  (anchor)")
    print(f"  haven /checkin full path    : {ours:8.0f} /s")
    print(f"  ratio                       : {ours / raw:8.2f}  (target >= 0.50)")


if __name__ == "__main__":
    asyncio.run(main())
