"""Memory of one Haven process serving 2,500 Discord guilds and 10,000 Telegram chats, beside a
bare discord.py client holding the same 2,500 guilds, both against the fake platforms.

The anchor is the least a Discord bot of this size can hold: discord.py's `Client` with
Haven's intents (the defaults without message content or members), connected to the same fake
gateway, receiving the same guilds (three text channels, an owner and the @everyone role each),
doing nothing else. Haven is `haven run`'s own start-up (bot/runner.py) with both adapters on
SQLite, and then serves: every Telegram chat sends one command (`/start` in the private chats,
`/rules` in the groups) and is answered, and `--slash` members run `/rules` in as many Discord
guilds. Each side is its own process; its resident set (VmRSS, after gc.collect()) is read by
the process itself when the bench asks, once the anchor is ready and once Haven has answered
everything. Haven's figure is also read right after its start, before any traffic.

One thing differs from production, and it does not touch memory: Telegram's flood limiter runs
on a clock `--speed` times faster (the fake does not enforce limits here), so 10,000 answers
take about 35 s instead of six minutes. Run: `python -m bench.platform_memory`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import signal
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.discord_api import FakeDiscord
from fakes.telegram_api import FakeTelegram

TARGET_RATIO = 1.15
TARGET_MB = 150.0
CHANNELS = 3
FIRST_GUILD = 800_000_000_000_000_000
FIRST_OWNER = 810_000_000_000_000_000
FIRST_USER = 20_000_000


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


async def answer_the_bench() -> None:
    """In a child: "measure" on stdin prints the resident set; the end of stdin ends it."""
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            os.kill(os.getpid(), signal.SIGTERM)
            return
        if line.strip() == "measure":
            gc.collect()
            print(f"rss {rss_mb():.1f}", flush=True)
        elif line.strip() == "trace":
            tracemalloc.start()
        elif line.strip() == "traced" and tracemalloc.is_tracing():
            gc.collect()
            stats = tracemalloc.take_snapshot().statistics("filename")
            for stat in stats[:15]:
                where = stat.traceback[0].filename
                print(f"traced {stat.size / 1e6:7.1f} MB {stat.count:>9,}  {where}")
            print("traced end", flush=True)


async def bare_child() -> None:
    """The anchor: a discord.py client with Haven's intents and nothing else."""
    import discord

    from adapters.discord.endpoints import point_at
    from bot.settings import Settings

    settings = Settings()
    point_at(settings.discord)
    intents = discord.Intents.default()
    intents.message_content = False
    intents.members = settings.discord.members_intent
    client = discord.Client(intents=intents, guild_ready_timeout=2.0)

    @client.event
    async def on_ready() -> None:
        print(f"ready {len(client.guilds)}", flush=True)

    assert settings.discord.token is not None
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    listening = asyncio.create_task(answer_the_bench())
    async with client:
        runner = asyncio.create_task(client.start(settings.discord.token.get_secret_value()))
        await stop.wait()
        await client.close()
        with contextlib.suppress(Exception):
            await runner
    listening.cancel()


async def haven_child(speed: float) -> None:
    """`haven run` (bot/runner.py), with only the Telegram limiter's clock sped up."""
    import logging

    import bot.runner
    from adapters.telegram.adapter import TelegramAdapter
    from adapters.telegram.limits import FloodLimiter
    from bot.logsetup import configure
    from bot.settings import Settings

    settings = Settings()
    configure(
        False,
        [t.get_secret_value() for t in (settings.telegram.token, settings.discord.token) if t],
    )
    made = bot.runner.platform_adapters

    def adapters(app: bot.runner.App, settings: Settings) -> list[bot.runner.Adapter]:
        chosen = made(app, settings)
        limiter = FloodLimiter(
            clock=lambda: time.monotonic() * speed, sleep=lambda s: asyncio.sleep(s / speed)
        )
        return [
            TelegramAdapter(app, settings.telegram, limiter=limiter)
            if a.platform == "telegram"
            else a
            for a in chosen
        ]

    bot.runner.platform_adapters = adapters
    logging.getLogger("bot.runner").addFilter(lambda record: _ready(record.getMessage()))
    listening = asyncio.create_task(answer_the_bench())
    await bot.runner.run_platforms(settings)
    listening.cancel()


def _ready(message: str) -> bool:
    if message.startswith("Haven is running"):
        print("ready", flush=True)
    return True


class Child:
    """A side's process, asked for its resident set over stdin."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, mode: str, env: dict[str, str], *extra: str) -> Child:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.platform_memory",
            "--child",
            mode,
            *extra,
            env=env,
            cwd=Path(__file__).resolve().parents[1],
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def line(self, prefix: str, timeout: float = 120.0) -> str:
        assert self.process.stdout is not None
        while True:
            raw = await asyncio.wait_for(self.process.stdout.readline(), timeout)
            if not raw:
                raise RuntimeError(f"the child ended before printing {prefix!r}")
            text = raw.decode().strip()
            if text.startswith(prefix):
                return text

    async def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()

    async def rss(self) -> float:
        await self.send("measure")
        return float((await self.line("rss")).split()[1])

    async def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


def environment(folder: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env["HAVEN_BOT__DATABASE"] = str(folder / "haven.db")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return env | values


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guilds", type=int, default=2_500)
    parser.add_argument("--chats", type=int, default=10_000, help="Telegram chats that write")
    parser.add_argument("--groups", type=int, default=1_000, help="of which groups")
    parser.add_argument(
        "--rate", type=float, default=250.0, help="Telegram chats writing a second (0: at once)"
    )
    parser.add_argument("--slash", type=int, default=500, help="Discord /rules answered")
    parser.add_argument("--speed", type=float, default=10.0, help="Telegram limiter's clock")
    parser.add_argument(
        "--trace", action="store_true", help="Haven's allocations while serving, by file"
    )
    parser.add_argument("--child", choices=("bare", "haven"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "bare":
        await bare_child()
        return
    if args.child == "haven":
        await haven_child(args.speed)
        return

    began = time.perf_counter()
    discord_fake = FakeDiscord()
    telegram_fake = FakeTelegram(enforce_limits=False)
    for g in range(args.guilds):
        channels = {FIRST_GUILD + g * 10 + c: f"channel-{c}" for c in range(1, CHANNELS + 1)}
        discord_fake.add_guild(
            FIRST_GUILD + g * 10,
            f"Guild {g}",
            owner_id=FIRST_OWNER + g,
            channels=channels,
            system_channel_id=FIRST_GUILD + g * 10 + 1,
        )
    async with discord_fake, telegram_fake:
        discord_env = {
            "HAVEN_DISCORD__TOKEN": discord_fake.token,
            "HAVEN_DISCORD__API_BASE": discord_fake.api_base,
            "HAVEN_DISCORD__GATEWAY_URL": discord_fake.gateway_url,
        }
        telegram_env = {
            "HAVEN_TELEGRAM__TOKEN": telegram_fake.token,
            "HAVEN_TELEGRAM__BASE_URL": telegram_fake.base_url,
            "HAVEN_TELEGRAM__BASE_FILE_URL": telegram_fake.base_file_url,
        }
        with tempfile.TemporaryDirectory() as folder:
            print(
                f"memory: {args.guilds:,} Discord guilds ({CHANNELS} channels each), "
                f"{args.chats:,} Telegram chats ({args.groups:,} groups) each writing once, "
                f"{args.slash:,} Discord /rules; load average {load()}\n"
            )
            bare = await Child.start("bare", environment(Path(folder), **discord_env))
            await bare.line("ready")
            await asyncio.sleep(2)
            anchor = await bare.rss()
            await bare.stop()

            env = environment(Path(folder), **discord_env, **telegram_env)
            haven = await Child.start("haven", env, "--speed", str(args.speed))
            await haven.line("ready", timeout=300)
            await asyncio.sleep(2)
            started = await haven.rss()
            if args.trace:
                await haven.send("trace")
            served = time.perf_counter()
            await telegram_traffic(telegram_fake, args.chats, args.groups, args.rate)
            await discord_traffic(discord_fake, args.guilds, args.slash)
            seconds = time.perf_counter() - served
            await asyncio.sleep(2)
            serving = await haven.rss()
            if args.trace:
                await haven.send("traced")
                while (line := await haven.line("traced")) != "traced end":
                    print(line.removeprefix("traced "))
            await haven.stop()

    print(f"{'side':<58} {'RSS MB':>8}")
    print(f"{'anchor: bare discord.py client, the same guilds':<58} {anchor:8.1f}")
    print(f"{'haven: started, both platforms connected':<58} {started:8.1f}")
    print(f"{'haven: after answering every chat and slash command':<58} {serving:8.1f}")
    met = serving / anchor <= TARGET_RATIO and serving < TARGET_MB
    print(
        f"ratio haven / anchor {serving / anchor:.2f} (target <= {TARGET_RATIO}, and under "
        f"{TARGET_MB:.0f} MB: {'meets' if met else 'misses'}); traffic took {seconds:.0f} s, "
        f"total {time.perf_counter() - began:.0f} s"
    )


async def telegram_traffic(fake: FakeTelegram, chats: int, groups: int, rate: float) -> None:
    """Every chat writes once, `rate` chats a second (0: all at once); done when every one
    has been answered."""
    before = len(fake.sent)
    began = time.perf_counter()
    for i in range(chats):
        if rate and i % 50 == 0 and (ahead := i / rate - (time.perf_counter() - began)) > 0:
            await asyncio.sleep(ahead)
        user = FIRST_USER + i
        fake.add_user(user, f"member{i}")
        if i < groups:
            group = -1_000_000_000_000 - i
            fake.add_group(group, f"Group {i}", creator=user)
            fake.send_text(user, "/rules", group)
        else:
            fake.send_text(user, "/start")
    await fake.wait_for(lambda: len(fake.sent) - before >= chats, timeout=chats / 20 + 60)


async def discord_traffic(fake: FakeDiscord, guilds: int, slash: int) -> None:
    """`slash` members run /rules, each in another guild, ten at a time."""

    async def one(k: int) -> None:
        g = (k * 7) % guilds
        await fake.slash(
            FIRST_OWNER + g,
            "rules",
            guild_id=FIRST_GUILD + g * 10,
            channel_id=FIRST_GUILD + g * 10 + 1,
        )

    for start in range(0, slash, 10):
        await asyncio.gather(*(one(k) for k in range(start, min(slash, start + 10))))


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    asyncio.run(main())
