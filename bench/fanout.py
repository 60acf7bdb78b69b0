"""Fan-out: one prompt to 1,500 Telegram private chats and 20 groups through Haven's outbox,
against the fake Bot API enforcing 30 messages/s overall, 1/s per chat and 20/min per group,
beside python-telegram-bot's own AIORateLimiter sending the same messages in the same run.

By default everything runs in real time (about a minute a side): at a faster clock both sides
become CPU-bound on a small machine, so the bench would measure the machine, and
python-telegram-bot's own `retry_after` sleeps are not scaled with the clock. `--speed` still
runs the fake and both limiters faster (their windows scaled alike) for a quick look.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, ExtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.telegram_api import FakeTelegram

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.limits import FloodLimiter
from bot.app import build
from bot.core.messages import Actor, Place, private, public
from bot.settings import Settings
from bot.storage.outbox import BULK, OutboxItem

ALLOWED = 30.0  # messages per second overall, Telegram's limit


def targets(members: int, groups: int) -> tuple[list[int], list[int]]:
    return [10_000_000 + i for i in range(members)], [-300_000_000 - i for i in range(groups)]


async def haven_run(
    fake: FakeTelegram, users: list[int], groups: list[int], speed: float, folder: Path
) -> tuple[float, int]:
    settings = Settings(
        bot={"database": folder / "fanout.db"},
        telegram={
            "token": fake.token,
            "base_url": fake.base_url,
            "base_file_url": fake.base_file_url,
        },
    )
    app = build(settings)
    await app.start()
    limiter = FloodLimiter(
        clock=lambda: time.monotonic() * speed, sleep=lambda s: asyncio.sleep(s / speed)
    )
    adapter = TelegramAdapter(app, settings.telegram, poll_timeout=1, limiter=limiter)
    await adapter.start()
    app.add_adapter(adapter)
    await app.start_delivery()
    items = [
        OutboxItem(
            f"fan:u{u}", private("How are you today?", to=Actor("telegram", str(u), "")), None, BULK
        )
        for u in users
    ]
    items += [
        OutboxItem(
            f"fan:g{g}", public("Check-in time!", to=Place("telegram", str(g), False)), None, BULK
        )
        for g in groups
    ]
    rejected_before = fake.rejected_for_limits
    started = time.monotonic()
    await app.outbox.enqueue(items)
    while (await app.outbox.repo.states("telegram")).get("sent", 0) < len(items):
        await asyncio.sleep(0.2)
    elapsed = time.monotonic() - started
    await adapter.stop()
    await app.close()
    return elapsed, fake.rejected_for_limits - rejected_before


async def ptb_run(
    fake: FakeTelegram, users: list[int], groups: list[int], speed: float
) -> tuple[float, int, int]:
    limiter = AIORateLimiter(
        overall_max_rate=30,
        overall_time_period=1 / speed,
        group_max_rate=20,
        group_time_period=60 / speed,
        max_retries=3,
    )
    bot = ExtBot(fake.token, base_url=fake.base_url, rate_limiter=limiter)
    gate = asyncio.Semaphore(64)
    failed = 0

    async def one(chat: int, text: str) -> None:
        nonlocal failed
        async with gate:
            try:
                await bot.send_message(chat, text)
            except RetryAfter:
                failed += 1

    rejected_before = fake.rejected_for_limits
    async with bot:
        started = time.monotonic()
        await asyncio.gather(
            *(one(u, "How are you today?") for u in users),
            *(one(g, "Check-in time!") for g in groups),
        )
        elapsed = time.monotonic() - started
    return elapsed, fake.rejected_for_limits - rejected_before, failed


def sustained(fake: FakeTelegram, since: int, speed: float) -> float:
    """Accepted sends per second on the fake's (Telegram's) clock, first to last accepted."""
    accepted = [c.at for c in fake.calls[since:] if c.method == "sendMessage" and c.status == 200]
    return (len(accepted) - 1) / ((accepted[-1] - accepted[0]) * speed)


def line(name: str, rate: float, count: int, elapsed: float, speed: float, rejected: int) -> str:
    overall = count / (elapsed * speed)
    return (
        f"  {name:<28}: {rate:6.1f} msg/s sustained = {rate / ALLOWED:5.1%} of "
        f"{ALLOWED:.0f}/s  ({overall:.1f}/s end to end)   429s: {rejected}"
    )


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1_500)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--speed", type=float, default=1.0)
    args = parser.parse_args(argv)
    users, groups = targets(args.members, args.groups)
    count = len(users) + len(groups)
    fake = FakeTelegram(speed=args.speed)
    for u in users:
        fake.add_user(u, f"Member {u}")
    for g in groups:
        fake.add_group(g, f"Group {g}")
    await fake.start()
    try:
        mark = len(fake.calls)
        with tempfile.TemporaryDirectory() as folder:
            ours, ours_429 = await haven_run(fake, users, groups, args.speed, Path(folder))
        ours_rate = sustained(fake, mark, args.speed)
        await asyncio.sleep(2 / args.speed + 0.1)  # let the fake's windows empty
        mark = len(fake.calls)
        theirs, theirs_429, theirs_failed = await ptb_run(fake, users, groups, args.speed)
        theirs_rate = sustained(fake, mark, args.speed)
    finally:
        await fake.stop()
    print(
        f"fan-out: {len(users)} private chats + {len(groups)} groups = {count} messages; "
        f"fake Bot API clock x{args.speed:g}"
    )
    print(f"  {'allowed (Telegram)':<28}: {ALLOWED:6.1f} msg/s")
    print(line("Haven outbox + FloodLimiter", ours_rate, count, ours, args.speed, ours_429))
    print(
        line("PTB AIORateLimiter", theirs_rate, count, theirs, args.speed, theirs_429)
        + (f"   gave up: {theirs_failed}" if theirs_failed else "")
    )


if __name__ == "__main__":
    asyncio.run(main())
