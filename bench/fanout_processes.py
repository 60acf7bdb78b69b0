"""Fan-out from three `haven run` processes on one PostgreSQL: 10,000 Telegram direct chats and
100 groups, against the fake Bot API enforcing Telegram's limits (30 messages a second overall,
1 a second in a chat, 20 a minute in a group), while members keep writing to all three.

The processes serve Telegram's webhook behind a round-robin balancer, as in production. The
fan-out is queued in the outbox as a schedule's firing queues one; the leader sends it. Each
process answers the members the balancer gives it, and every send of every process first takes
a place in the ledger of places on PostgreSQL (adapters/telegram/limits.py), so together they
keep the bot's limits. The anchor is the platform's allowed rate itself, 30 a second: the
figure is the fan-out's sustained rate as a share of it (a lone process reaches 29 of 30, one
place being kept for members' answers), with the 429s the fake returned to any process, and
how long members' answers took meanwhile.

Run: `python -m bench.fanout_processes [--members 10000 --groups 100]` (about six minutes at
the full size; `--members 1500 --groups 20` takes one).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.balancer import Balancer, free_port
from fakes.fanout import queue_fanout, stop_processes
from fakes.telegram_api import FakeTelegram
from pgserver import PgServer

ALLOWED = 30.0
PROCESSES = 3
SECRET = "fanout-processes-secret"
PROMPT = "The weekly circle starts in an hour."
FIRST_MEMBER = 30_000_000
FIRST_GROUP = -1_001_000_000_000


def environment(fake: FakeTelegram, database: str, port: int, balancer: Balancer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env.update(
        HAVEN_BOT__DATABASE=database,
        HAVEN_TELEGRAM__TOKEN=fake.token,
        HAVEN_TELEGRAM__BASE_URL=fake.base_url,
        HAVEN_TELEGRAM__BASE_FILE_URL=fake.base_file_url,
        HAVEN_TELEGRAM__WEBHOOK_URL=balancer.url,
        HAVEN_TELEGRAM__WEBHOOK_LISTEN=f"127.0.0.1:{port}",
        HAVEN_TELEGRAM__WEBHOOK_SECRET=SECRET,
        PYTHONPATH=str(Path(__file__).resolve().parents[1]),
    )
    return env


async def live_members(fake: FakeTelegram, talkers: list[int], stop: asyncio.Event) -> list[float]:
    """A member writes /sos every half second; the seconds each waited for the answer."""
    waits: list[float] = []
    k = 0
    while not stop.is_set():
        user = talkers[k % len(talkers)]
        k += 1
        before = len(fake.messages_to(user))
        started = time.monotonic()
        fake.send_text(user, "/sos")
        try:
            await fake.wait_for(lambda u=user, n=before: len(fake.messages_to(u)) > n, 30)
            waits.append(time.monotonic() - started)
        except (TimeoutError, AssertionError):
            waits.append(float("inf"))
        await asyncio.sleep(0.5)
    return waits


def most_in_a_second(times: list[float]) -> int:
    ordered, best, lo = sorted(times), 0, 0
    for hi, t in enumerate(ordered):
        while ordered[lo] <= t - 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=100)
    args = parser.parse_args(argv)
    members = [FIRST_MEMBER + i for i in range(args.members)]
    groups = [FIRST_GROUP - i for i in range(args.groups)]
    talkers = [FIRST_MEMBER - 1 - i for i in range(50)]
    fake = FakeTelegram(enforce_limits=True)
    for user in [*members, *talkers]:
        fake.add_user(user, f"Member{user}")
    for group in groups:
        fake.add_group(group, f"Group {group}")
    began = time.perf_counter()
    print(
        f"fan-out from {PROCESSES} processes on one PostgreSQL: {args.members:,} direct chats and "
        f"{args.groups:,} groups, a member's /sos every 0.5 s meanwhile; load {load()}"
    )
    with tempfile.TemporaryDirectory() as folder, PgServer(durable=True) as server:
        async with fake:
            ports = [free_port() for _ in range(PROCESSES)]
            balancer = Balancer(ports)
            await balancer.start()
            processes = [
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot",
                    "run",
                    cwd=folder,
                    env=environment(fake, server.dsn, port, balancer),
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.DEVNULL,
                )
                for port in ports
            ]
            try:
                await fake.wait_for(lambda: len(fake.calls_of("setWebhook")) >= PROCESSES, 90)
                await asyncio.sleep(3)  # each has counted its peers
                stop = asyncio.Event()
                talking = asyncio.create_task(live_members(fake, talkers, stop))
                first = len(fake.calls)
                started = time.monotonic()
                await queue_fanout(server.dsn, PROMPT, members, groups)
                total = len(members) + len(groups)

                def arrived() -> list[float]:
                    return [
                        c.at
                        for c in fake.calls[first:]
                        if c.method == "sendMessage"
                        and c.ok
                        and PROMPT in str(c.params.get("text", ""))
                    ]

                await fake.wait_for(lambda: len(arrived()) >= total, total / 15 + 120)
                finished = time.monotonic()
                stop.set()
                waits = await talking
                times = arrived()
                chats = [
                    c.params.get("chat_id")
                    for c in fake.calls[first:]
                    if c.method == "sendMessage" and c.ok and PROMPT in str(c.params.get("text"))
                ]
                twice = len(chats) - len(set(chats))
                sends = [c for c in fake.calls[first:] if c.method == "sendMessage"]
                too_many = sum(1 for c in sends if c.status == 429)
                all_times = [c.at for c in sends if c.ok]
            finally:
                await stop_processes(processes, 30)
                await balancer.stop()
    span = max(times) - min(times)
    rate = (len(times) - 1) / span if span > 0 else float("nan")
    ordered = sorted(waits)
    print(f"\n{'':<44} {'figure':>10}")
    print(f"{'fan-out messages delivered':<44} {len(times):>10,}")
    print(f"{'of which to a chat that had it already':<44} {twice:>10}")
    print(f"{'fan-out took, first to last (s)':<44} {span:>10.1f}")
    print(f"{'sustained rate (messages/s)':<44} {rate:>10.1f}")
    print(f"{'anchor: the allowed rate (messages/s)':<44} {ALLOWED:>10.1f}")
    print(f"{'share of the allowed rate':<44} {rate / ALLOWED:>10.2f}")
    print(f"{'most sends in any second, all processes':<44} {most_in_a_second(all_times):>10}")
    print(f"{'429 answers, all processes':<44} {too_many:>10}")
    print(
        f"{'members answered meanwhile, p50 / max (s)':<44} "
        f"{ordered[len(ordered) // 2]:>5.2f} / {ordered[-1]:.2f} ({len(ordered)} asked)"
    )
    whole = time.perf_counter() - began
    print(f"\nqueued to delivered {finished - started:.0f} s; total {whole:.0f} s; load {load()}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    asyncio.run(main())
