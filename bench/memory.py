"""Memory of one Haven process as members arrive, and whether it levels off: the resident set
(RSS) with 1,000, 5,000 and 10,000 active members, and again after a second hour of the same
members, beside the same process right after start and the database's size.

Haven keeps members, communities, visits, consent, streak zones and cooldown windows in memory
so a command costs fewer reads; a cache that keeps every member it has ever seen grows without
end in a process that runs for months. This bench shows what each active member costs in RAM
(KB/member, the figure) next to what the same member costs in the database, and whether a
second hour of the same members adds anything (it should not: that is the steady state).

Haven is built in-process as the other benches build it, with the per-member cooldown on (its
windows are one of the caches measured). Each of `--members` members belongs to one of 20
groups and has a first hour: `/consent yes` in a direct chat, `/rules` in their group,
`/checkin 4 tired a few words` in the group, `/mood show` in the direct chat, through
`app.handle`, as an adapter calls it. Haven's clock moves on an hour over each pass (members
arrive evenly, a member's commands 5 s apart), so the second pass is the next hour: visits are
written again, check-ins and streaks move on. `--concurrency` members are served at once
(default 50), as in a busy hour many members type at the same time.

The hour takes the bench seconds, not an hour. The cooldown keeps its windows on a clock of its
own (seconds, given when it is made), so it is made again on Haven's clock: its minute is then
the bench's minute, as in production it is a real one, and a member's 4 commands an hour are
far below the limit. The caches bounded in age (ten minutes for members, communities, visits,
consent and streak zones) count real seconds, which the run never reaches: the figures are for
members all active within ten minutes, the most those caches hold.

RSS is VmRSS from /proc/self/status after gc.collect(); the database's size is its pages
(page_count x page_size, the write-ahead log included). The RSS readings are taken untraced:
tracemalloc slows Haven several times over and adds its own tables to RSS. Then, in the same
process, a fresh Haven on a fresh database serves `--trace-members` members (default a fifth)
the same two hours with tracemalloc on from just after start, and its top allocation sites by
size, grouped by file, show what holds the memory the members brought; a second table shows
which files grew during the second hour. SQLite's page caches and the allocator's unreturned
free memory are in RSS but not in tracemalloc. The load average is printed because other work
may share the machine; memory figures depend on it little, the seconds more.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import sqlite3
import subprocess
import sysconfig
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bot
from bot.app import App, build
from bot.core.cooldown import Cooldown
from bot.core.messages import Actor, Place, Reply, Request
from bot.settings import Settings

PLATFORM = "bench"
GROUPS = 20
HOUR = timedelta(hours=1)
START = datetime(2026, 1, 6, 8, tzinfo=UTC)
# A member's hour, in order: (command, text, typed in the group rather than the direct chat).
FIRST_HOUR = (
    ("consent", "yes", False),
    ("rules", "", True),
    ("checkin", "4 tired a few words", True),
    ("mood", "show", False),
)
BETWEEN = timedelta(seconds=5)  # between one member's commands
# What no answer here may start with: the dispatcher's failure text, the cooldown's notice.
REFUSALS = ("Sorry, something went wrong", "You're sending commands faster")
MB = 1024 * 1024


class HourClock:
    """Haven's clock for the bench: moved on by the members as they arrive, never backwards."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment

    def at_least(self, moment: datetime) -> datetime:
        self.moment = max(self.moment, moment)
        return self.moment


def rss_bytes() -> int:
    """VmRSS of this process, after a full collection."""
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def database_bytes(path: Path) -> int:
    """The database's pages, the write-ahead log included (what a reader sees)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    return pages * size


@dataclass(frozen=True)
class Reading:
    label: str
    members: int
    rss: int
    db: int
    seconds: float


class Hours:
    """Members 0..n-1, member i in group i mod GROUPS; an hour of theirs, or a part of it."""

    def __init__(self, app: App, clock: HourClock, members: int, concurrency: int) -> None:
        self.app, self.clock, self.members, self.concurrency = app, clock, members, concurrency
        self.groups = [
            Place(PLATFORM, f"g{k}", False, f"g{k}", f"Group {k}") for k in range(GROUPS)
        ]
        self.unexpected: list[str] = []

    async def member(self, i: int, hour_start: datetime) -> None:
        actor = Actor(PLATFORM, f"m{i}", f"member {i}")
        direct = Place(PLATFORM, f"m{i}", True)
        group = self.groups[i % GROUPS]
        arrives = hour_start + HOUR * (i / self.members)
        for n, (command, text, in_group) in enumerate(FIRST_HOUR):
            now = self.clock.at_least(arrives + BETWEEN * n)
            place = group if in_group else direct
            replies = await self.app.handle(Request(command, text, actor, place, now))
            self.check(command, replies)

    def check(self, command: str, replies: list[Reply]) -> None:
        first = replies[0].text if replies else "(no reply)"
        if (
            not replies
            or first.startswith(REFUSALS)
            or (command == "checkin" and not first.startswith("Recorded"))
        ):
            self.unexpected.append(f"/{command}: {first[:80]!r}")

    async def run(self, first: int, last: int, hour: int) -> None:
        """Members first..last-1 in hour `hour` (0, 1), `concurrency` at once: task k takes
        members first+k, first+k+concurrency, ..."""
        hour_start = START + HOUR * hour

        async def task(k: int) -> None:
            for i in range(first + k, last, self.concurrency):
                await self.member(i, hour_start)

        await asyncio.gather(*(task(k) for k in range(self.concurrency)))
        if self.unexpected:
            raise RuntimeError(
                f"{len(self.unexpected)} unexpected replies, first: {self.unexpected[0]}"
            )


def haven(folder: str, name: str) -> tuple[App, HourClock, Path]:
    path = Path(folder) / name
    clock = HourClock(START)
    app = build(Settings(bot={"database": path}), clock=clock, rng=random.Random(0), cooldown=True)
    cooldown = app.dispatcher.cooldown
    if cooldown is None:
        raise RuntimeError("the cooldown is off in these settings")
    app.dispatcher.cooldown = Cooldown(cooldown.per_minute, clock=lambda: clock.now().timestamp())
    return app, clock, path


async def measure(folder: str, members: int, concurrency: int) -> list[Reading]:
    """Untraced: RSS and the database's size after start, at each mark, after the second hour."""
    app, clock, path = haven(folder, "measured.db")
    await app.start()
    began = time.perf_counter()

    def read(label: str, count: int) -> Reading:
        rss = rss_bytes()  # first, so the size query's connection is not in it
        return Reading(label, count, rss, database_bytes(path), time.perf_counter() - began)

    readings = [read("after start", 0)]
    hours = Hours(app, clock, members, concurrency)
    done = 0
    try:
        for mark in sorted({members // 10, members // 2, members}):
            await hours.run(done, mark, 0)
            done = mark
            readings.append(read(f"{mark:,} members", mark))
        await hours.run(0, members, 1)
        readings.append(read("second hour, same", members))
    finally:
        await app.close()
    return readings


@dataclass(frozen=True)
class Traced:
    members: int
    first: tracemalloc.Snapshot  # after the first hour
    last: tracemalloc.Snapshot  # after the second


async def trace(folder: str, members: int, concurrency: int) -> Traced:
    """A fresh Haven, traced from just after start, over the same two hours."""
    app, clock, _ = haven(folder, "traced.db")
    await app.start()
    gc.collect()
    tracemalloc.start()
    hours = Hours(app, clock, members, concurrency)
    try:
        await hours.run(0, members, 0)
        gc.collect()
        first = untraced(tracemalloc.take_snapshot())
        await hours.run(0, members, 1)
        gc.collect()
        last = untraced(tracemalloc.take_snapshot())
    finally:
        tracemalloc.stop()
        await app.close()
    return Traced(members, first, last)


def untraced(snapshot: tracemalloc.Snapshot) -> tracemalloc.Snapshot:
    return snapshot.filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])


def where(file: str) -> str:
    """A file named relative to site-packages, the repository or the standard library."""
    paths = sysconfig.get_paths()
    bases = [
        ("site-packages/", Path(paths["purelib"])),
        ("site-packages/", Path(paths["platlib"])),
        ("", Path(__file__).resolve().parents[1]),
        ("stdlib/", Path(paths["stdlib"])),
    ]
    for prefix, base in bases:
        if Path(file).is_relative_to(base):
            return prefix + str(Path(file).relative_to(base))
    return file


def top_files(traced: Traced, n: int) -> str:
    stats = traced.last.statistics("filename")
    total = sum(s.size for s in stats)
    lines = [
        f"  allocated since start and still held, {traced.members:,} members after two hours: "
        f"{total / MB:.1f} MB, {total / traced.members / 1024:.2f} KB/member",
        f"  {'MB':>7} {'KB/memb':>8} {'blocks':>9}  file (top {n} by size)",
    ]
    for stat in stats[:n]:
        lines.append(
            f"  {stat.size / MB:7.2f} {stat.size / traced.members / 1024:8.2f}"
            f" {stat.count:>9,}  {where(stat.traceback[0].filename)}"
        )
    return "\n".join(lines)


def grown_files(traced: Traced, n: int) -> str:
    stats = traced.last.compare_to(traced.first, "filename")
    total = sum(s.size_diff for s in stats)
    lines = [
        f"  change during the second hour: {total / 1024:+.0f} KB",
        f"  {'KB':>7} {'blocks':>9}  file (top {n} by size of the change)",
    ]
    for stat in stats[:n]:
        lines.append(
            f"  {stat.size_diff / 1024:+7.0f} {stat.count_diff:>+9,}"
            f"  {where(stat.traceback[0].filename)}"
        )
    return "\n".join(lines)


def row(reading: Reading, start: Reading) -> str:
    grown = reading.rss - start.rss
    if reading.members:
        ram = f"{grown / reading.members / 1024:8.2f}"
        disk = f"{(reading.db - start.db) / reading.members / 1024:8.2f}"
    else:
        ram = disk = f"{'-':>8}"
    return (
        f"  {reading.label:<20} {reading.rss / MB:8.1f} {grown / MB:+8.1f} {ram}"
        f" {reading.db / MB:8.1f} {disk} {reading.seconds:6.0f}"
    )


def git(tree: Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=tree, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def provenance() -> str:
    """Which code is measured: the commit of the tree this bench is in, whether its bot/ has
    changes not committed, and whether the `bot` imported is that tree's."""
    tree = Path(__file__).resolve().parents[1]
    commit = git(tree, "log", "-1", "--format=%h %s") or "commit unknown"
    if len(commit) > 64:
        commit = commit[:63] + "…"
    if git(tree, "status", "--porcelain", "--", "bot"):
        commit += " (bot/ changed since)"
    if not Path(bot.__file__).resolve().is_relative_to(tree):
        commit += "; WARNING: bot is imported from another tree"
    return commit


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50, help="members served at once")
    parser.add_argument(
        "--trace-members",
        type=int,
        default=None,
        help="members of the traced run (default a fifth of --members; 0: none)",
    )
    parser.add_argument("--top", type=int, default=10, help="files in the allocation table")
    parser.add_argument("--dir", type=Path, default=None, help="where the databases go")
    args = parser.parse_args(argv)
    if args.members < 10:
        parser.error("--members must be at least 10")
    traced_members = args.members // 5 if args.trace_members is None else args.trace_members
    print(
        f"memory: {args.members:,} members in {GROUPS} groups, each an hour of "
        f"{len(FIRST_HOUR)} commands (/{', /'.join(c for c, _, _ in FIRST_HOUR)}), "
        f"{args.concurrency} at once, then the same hour again"
    )
    print(f"  haven: {provenance()}; cooldown on, on Haven's clock")
    print(f"  load average before: {load()}  ({os.cpu_count()} cores)")
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        readings = await measure(folder, args.members, args.concurrency)
        traced = None
        if traced_members:
            traced = await trace(folder, traced_members, args.concurrency)
    print(
        f"\n  {'':<20} {'RSS MB':>8} {'grown':>8} {'KB/memb':>8}"
        f" {'db MB':>8} {'KB/memb':>8} {'s':>6}"
    )
    start, full, steady = readings[0], readings[-2], readings[-1]
    for reading in readings:
        print(row(reading, start))
    half = readings[-3]
    per_member = (full.rss - start.rss) / full.members / 1024
    marginal = (full.rss - half.rss) / max(1, full.members - half.members) / 1024
    print(
        f"\n  per member: {per_member:.2f} KB of RSS from start to {full.members:,} members "
        f"({marginal:.2f} KB from {half.members:,} to {full.members:,}); "
        f"{(full.db - start.db) / full.members / 1024:.2f} KB in the database"
    )
    print(
        f"  second hour over the same {args.members:,}: RSS {(steady.rss - full.rss) / MB:+.1f}"
        f" MB, database {(steady.db - full.db) / MB:+.1f} MB"
    )
    if traced is not None:
        print(f"\n{top_files(traced, args.top)}\n\n{grown_files(traced, 5)}")
    print(f"\n  load average after: {load()}   total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    asyncio.run(main())
