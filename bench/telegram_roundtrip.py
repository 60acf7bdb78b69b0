"""Telegram round trip: a member's command to Haven's reply, through python-telegram-bot and
the fake Bot API on 127.0.0.1, beside the anchor of one bare sendMessage round trip to the same
server in the same run. The difference is Haven's own cost per command (a getUpdates hop,
dispatch, SQLite, the send)."""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from telegram import Bot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.haven_telegram import start_haven, stop_haven
from fakes.telegram_api import FakeTelegram

MEMBERS = 40


def _summary(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return f"median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms"


async def main() -> None:
    fake = FakeTelegram(enforce_limits=False)  # measuring latency, not pacing
    members = [2000 + i for i in range(MEMBERS)]
    for user in members:
        fake.add_user(user, f"Member {user}")
    await fake.start()
    try:
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            anchor = []
            for user in members:
                started = time.perf_counter()
                await bot.send_message(user, "ping")
                anchor.append(time.perf_counter() - started)
        await asyncio.sleep(1.1)  # the anchor's messages must not count against per-chat limits
        with tempfile.TemporaryDirectory() as folder:
            haven = await start_haven(fake, Path(folder) / "haven.db")
            try:
                ours = []
                for user in members:
                    before = len(fake.messages_to(user))
                    started = time.perf_counter()
                    fake.send_text(user, "/checkin 4 tired")
                    while len(fake.messages_to(user)) == before:
                        await asyncio.sleep(0.0005)
                    ours.append(time.perf_counter() - started)
            finally:
                await stop_haven(haven)
    finally:
        await fake.stop()
    print(f"telegram: {MEMBERS} members, one /checkin each, fake Bot API on 127.0.0.1")
    print(f"  bare sendMessage round trip   : {_summary(anchor)}  (anchor)")
    print(f"  /checkin -> reply through Haven: {_summary(ours)}")
    ratio = statistics.median(ours) / statistics.median(anchor)
    print(f"  median ratio                  : {ratio:6.1f}x the bare round trip")


if __name__ == "__main__":
    asyncio.run(main())
