"""Durable check-ins per second, and their latency, for members with a year of history, through
Haven's whole path beside a raw one-commit-per-row anchor on the same schema in the same run.

One database is seeded once: Haven's own migrations, then `--members` members with consent and
a year of daily check-ins each (plus the last week of the inbound-update ledger, which Haven
prunes to seven days). Every side at every concurrency level starts from its own copy of that
file, reads it once and warms up (one untimed check-in per member, which also fills whatever
Haven caches or keeps per member). Then the sides of a level take turns: `--rounds` rounds
(default 5), each giving every side the next slice of `--count`, one side later each round, so
a burst of other work on the machine falls on all of them. Rates are check-ins over the summed
timed seconds; latencies are pooled; the ratio is also shown round by round, a measure of
the noise. The sides:

- anchor: the writes Haven must make for a check-in that arrives as a platform update, done
  raw: the inbound-update dedupe row (`INSERT ... ON CONFLICT DO NOTHING`, its own commit, as
  the Telegram adapter records it before handling) and the check-in row (its own commit). One
  aiosqlite connection shared by all tasks, as Haven writes through one (Haven may read through
  a second); the same pragmas (WAL, `synchronous = FULL`, foreign keys, busy timeout), schema,
  indexes and data.
- haven: `app.first_delivery` (what the Telegram adapter calls for each update) then
  `app.handle(Request("checkin", ...))`: dispatcher, crisis screen, parser, member and consent
  look-ups, the durable insert and the streak (each check-in extends a 365-day streak, and the
  reply must say so). Haven's commits are counted where its database counts them.

Check-in i is typed the same on every side: a mood from 1 to 5, none to two feelings, and in
three of ten a note, each note different (as members' notes are). The screen remembers short
texts it found nothing in, so a mood and feelings typed again cost less; a note never repeats.
- context: the check-in row alone, one commit per row, no dedupe row.

N tasks run at once (`--concurrency`, default 1,10,100); task k takes check-ins k, k+N, ... of
a slice, and check-in i belongs to member i mod `--members`, so no two running at once are
the same member. A latency is one check-in from its first write to its last commit (to the
reply, for Haven). The sides share the disk and the run, so the ratio holds on a noisy or slow
disk better than the absolute rates do; the commits column says how many fsyncs each paid, and
the load average is printed because other work may share the machine. `--profile` runs only
Haven's side under cProfile (the event loop's thread; SQLite's own work runs on aiosqlite's
thread and shows as waiting) and prints the top functions.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import math
import os
import pstats
import random
import shutil
import sqlite3
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count as counter
from pathlib import Path
from typing import Any

import aiosqlite

from bot.app import App, build
from bot.core.messages import Actor, Place, Request
from bot.domain.moods import FEELINGS
from bot.settings import Settings
from bot.storage.database import stamp

PLATFORM = "telegram"
NOTE_SHARE = 0.3  # as in the seeded history
NOTE_PARTS = (
    "long day at work",
    "slept badly again",
    "walked by the river",
    "called my sister",
    "exams next week",
    "saw an old friend",
    "rain all day",
    "cooked a proper dinner",
)
HISTORY_DAYS = 365
LEDGER_DAYS = 7  # Haven prunes handled updates older than a week
# The timed day: the day after the seeded year, so every check-in extends a 365-day streak.
TODAY = datetime(2026, 1, 6, 8, tzinfo=UTC)
STREAK = f"streak: {HISTORY_DAYS + 1} days"
TARGET_RATIO, TARGET_P99_MS = 1.0, 50.0


@dataclass(frozen=True)
class Typed:
    """One timed check-in as a member types it: mood, feelings, maybe a note."""

    mood: int
    tags: tuple[str, ...]
    note: str | None

    @property
    def text(self) -> str:
        return " ".join(p for p in (str(self.mood), ",".join(self.tags), self.note or "") if p)


def typed(i: int) -> Typed:
    """Check-in i, the same for every side: a mood from 1 to 5, none to two feelings, and in
    three of ten a note of its own (each note is different, as members' notes are, so no
    note is ever screened twice; the mood and feelings alone repeat, as they do)."""
    rng = random.Random(i)
    tags = tuple(rng.sample(FEELINGS, rng.randrange(0, 3)))
    note = None
    if rng.random() < NOTE_SHARE:
        note = f"{', '.join(rng.sample(NOTE_PARTS, 2))}, day {i}"
    return Typed(rng.randint(1, 5), tags, note)


class RunningClock:
    """Real time, started at a chosen moment (so the seeded year always ends yesterday)."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.origin = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.origin)


@dataclass(frozen=True)
class Result:
    rate: float
    p50_ms: float
    p99_ms: float
    commits: int | None = None  # COMMITs during the timed part, where the side can count them
    rounds: tuple[float, ...] = ()  # the rate of each round


def percentile(sorted_ms: list[float], p: float) -> float:
    return sorted_ms[max(0, math.ceil(p * len(sorted_ms)) - 1)]


@dataclass
class Tally:
    """One side's timed rounds added up: check-ins over the summed seconds, latencies pooled."""

    done: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    commits: int | None = 0
    rounds: list[float] = field(default_factory=list)

    def result(self) -> Result:
        ms = sorted(s * 1000 for s in self.latencies)
        return Result(
            self.done / self.elapsed,
            percentile(ms, 0.50),
            percentile(ms, 0.99),
            self.commits,
            tuple(self.rounds),
        )


async def timed(
    side: Side, checkins: range, concurrency: int, tally: Tally, profile: cProfile.Profile | None
) -> None:
    async def task(k: int) -> None:
        for i in checkins[k::concurrency]:
            started = time.perf_counter()
            await side.one(i)
            tally.latencies.append(time.perf_counter() - started)

    before = side.committed()
    if profile is not None:
        profile.enable()
    started = time.perf_counter()
    try:
        await asyncio.gather(*(task(k) for k in range(concurrency)))
    finally:
        elapsed = time.perf_counter() - started
        if profile is not None:
            profile.disable()
    tally.elapsed += elapsed
    tally.rounds.append(len(checkins) / elapsed)
    after = side.committed()
    tally.done += len(checkins)
    if tally.commits is None or before is None or after is None:
        tally.commits = None
    else:
        tally.commits += after - before


async def seed(path: Path, members: int) -> tuple[int, int]:
    """Haven's schema from its own migrations, then the history inserted directly in one
    transaction. Returns (check-in rows, next update id)."""
    app = build(
        Settings(bot={"database": path}),
        clock=RunningClock(TODAY),
        rng=random.Random(0),
        cooldown=False,
    )
    await app.start()
    await app.close()
    rng = random.Random(7)
    first_day = TODAY.replace(hour=0) - timedelta(days=HISTORY_DAYS)
    update_ids = counter(1)
    rows = 0
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        joined = stamp(first_day - timedelta(days=30))
        conn.executemany(
            "INSERT INTO members (id, platform, user_id, name, created_at) VALUES (?, ?, ?, ?, ?)",
            [(m + 1, PLATFORM, str(10_000 + m), f"member{m}", joined) for m in range(members)],
        )
        conn.executemany(
            "INSERT INTO consents (member_id, given_at) VALUES (?, ?)",
            [(m + 1, joined) for m in range(members)],
        )
        for day in range(HISTORY_DAYS):  # day by day, members interleaved, as they arrive
            midnight = first_day + timedelta(days=day)
            batch = []
            ledger = []
            for m in range(members):
                at = midnight + timedelta(seconds=rng.randrange(7 * 3600, 22 * 3600))
                tags = ",".join(rng.sample(FEELINGS, rng.randrange(0, 3)))
                note = "a few words" if rng.random() < 0.3 else None
                batch.append((m + 1, rng.randint(1, 5), tags, note, stamp(at)))
                if day >= HISTORY_DAYS - LEDGER_DAYS:
                    ledger.append((PLATFORM, str(next(update_ids)), stamp(at)))
            conn.executemany(
                "INSERT INTO checkins (member_id, mood, tags, note, at) VALUES (?, ?, ?, ?, ?)",
                batch,
            )
            conn.executemany(
                "INSERT INTO inbound_updates (platform, update_id, seen_at) VALUES (?, ?, ?)",
                ledger,
            )
            rows += len(batch)
        celebrated = [
            (m + 1, f"streak:{days}:{first_day.date().isoformat()}", stamp(first_day))
            for m in range(members)
            for days in (3, 7, 14, 30, 60, 100, 365)
        ]
        conn.executemany(
            "INSERT INTO celebrations (member_id, key, at) VALUES (?, ?, ?)", celebrated
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return rows, next(update_ids)


WARM_READS = (
    "SELECT member_id, count(*), max(at) FROM checkins GROUP BY member_id",
    "SELECT sum(length(tags)) + sum(length(note)) FROM checkins",
    "SELECT count(*) FROM inbound_updates",
)


class Anchor:
    """Raw aiosqlite on one connection, with Haven's pragmas; each statement its own commit."""

    def __init__(self, path: Path, dedupe: bool, ids: counter[int], members: int) -> None:
        self.path, self.dedupe, self.ids, self.members = path, dedupe, ids, members
        self.clock = RunningClock(TODAY)
        self.conn: aiosqlite.Connection | None = None
        self.commits = 0

    async def open(self) -> None:
        conn = self.conn = await aiosqlite.connect(self.path, isolation_level=None)
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
            await conn.execute(f"PRAGMA {pragma}")
        await conn.execute("PRAGMA busy_timeout = 5000")
        for sql in WARM_READS:
            await conn.execute_fetchall(sql)

    async def one(self, i: int) -> None:
        assert self.conn is not None
        if self.dedupe:
            cursor = await self.conn.execute(
                "INSERT INTO inbound_updates (platform, update_id, seen_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (PLATFORM, str(next(self.ids)), stamp(self.clock.now())),
            )
            if cursor.rowcount != 1:
                raise RuntimeError("an update id was seen twice")
            self.commits += 1
        checkin = typed(i)
        await self.conn.execute(
            "INSERT INTO checkins (member_id, community_id, mood, tags, note, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                i % self.members + 1,
                None,
                checkin.mood,
                ",".join(checkin.tags),
                checkin.note,
                stamp(self.clock.now()),
            ),
        )
        self.commits += 1

    def committed(self) -> int | None:
        return self.commits

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()


class Haven:
    """The dedupe write the Telegram adapter makes, then the whole /checkin path."""

    def __init__(self, path: Path | str, ids: counter[int], members: int) -> None:
        self.ids, self.members = ids, members
        # No cooldown: the bench's members check in many times a minute.
        self.app: App = build(
            Settings(bot={"database": path}),
            clock=RunningClock(TODAY),
            rng=random.Random(0),
            cooldown=False,
        )
        self.actors = [Actor(PLATFORM, str(10_000 + m), f"member{m}") for m in range(members)]
        self.places = [Place(PLATFORM, a.user_id, is_direct=True) for a in self.actors]

    async def open(self) -> None:
        await self.app.start()
        for sql in WARM_READS:
            await self.app.services.db.fetchall(sql)

    async def one(self, i: int) -> None:
        if not await self.app.first_delivery(PLATFORM, str(next(self.ids))):
            raise RuntimeError("an update id was seen twice")
        m = i % self.members
        now = self.app.services.clock.now()
        replies = await self.app.handle(
            Request("checkin", typed(i).text, self.actors[m], self.places[m], now)
        )
        if not replies[0].text.startswith("Recorded") or STREAK not in replies[0].text:
            raise RuntimeError(f"unexpected reply: {replies[0].text!r}")

    def committed(self) -> int | None:
        """Write batches committed, where the database counts them (group commit)."""
        return getattr(self.app.services.db, "batches", None)

    async def close(self) -> None:
        await self.app.close()


class PgAnchor:
    """Raw asyncpg, each statement its own commit (autocommit), through a pool as large as
    Haven's; the same server, durability (fsync, synchronous_commit on), schema and data."""

    def __init__(self, dsn: str, dedupe: bool, ids: counter[int], members: int) -> None:
        self.dsn, self.dedupe, self.ids, self.members = dsn, dedupe, ids, members
        self.clock = RunningClock(TODAY)
        self.pool: Any = None
        self.commits = 0

    async def open(self) -> None:
        import asyncpg

        from bot.storage.postgres import keep_session  # Haven's pool's: no reset round trip

        self.pool = await asyncpg.create_pool(
            self.dsn, min_size=10, max_size=10, reset=keep_session
        )
        for sql in WARM_READS:
            await self.pool.fetch(sql)

    async def one(self, i: int) -> None:
        if self.dedupe:
            status = await self.pool.execute(
                "INSERT INTO inbound_updates (platform, update_id, seen_at) VALUES ($1, $2, $3) "
                "ON CONFLICT DO NOTHING",
                PLATFORM,
                str(next(self.ids)),
                stamp(self.clock.now()),
            )
            if not status.endswith(" 1"):
                raise RuntimeError("an update id was seen twice")
            self.commits += 1
        checkin = typed(i)
        await self.pool.execute(
            "INSERT INTO checkins (member_id, community_id, mood, tags, note, at) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            i % self.members + 1,
            None,
            checkin.mood,
            ",".join(checkin.tags),
            checkin.note,
            stamp(self.clock.now()),
        )
        self.commits += 1

    def committed(self) -> int | None:
        return self.commits

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()


async def seed_postgres(server_dsn: str, members: int) -> tuple[str, int, int]:
    """The same seeding on PostgreSQL, into a database the sides are copied from (CREATE
    DATABASE ... TEMPLATE). Returns (its name, check-in rows, next update id)."""
    import asyncpg

    name = "seed"
    admin = await asyncpg.connect(server_dsn)
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    dsn = server_dsn.rsplit("/", 1)[0] + "/" + name
    lite = Path(tempfile.mkdtemp()) / "seed.db"
    rows, next_id = await seed(lite, members)
    from bot.storage.transfer import migrate_to_postgres

    await migrate_to_postgres(lite, dsn, say=lambda line: None)
    shutil.rmtree(lite.parent, ignore_errors=True)
    conn = await asyncpg.connect(dsn)
    await conn.execute("VACUUM ANALYZE")
    await conn.close()
    return name, rows, next_id


async def pg_copy(server_dsn: str, template: str, name: str) -> str:
    import asyncpg

    admin = await asyncpg.connect(server_dsn)
    await admin.execute(f"DROP DATABASE IF EXISTS {name}")
    await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    await admin.close()
    return server_dsn.rsplit("/", 1)[0] + "/" + name


Side = Anchor | Haven | PgAnchor


async def measure(
    sides: list[Side],
    total: int,
    concurrency: int,
    rounds: int,
    profile: cProfile.Profile | None = None,
) -> list[Result]:
    """Open and warm every side, then time them in turns: each round gives each side the next
    slice of check-ins, starting one side later each round."""
    opened: list[Side] = []
    try:
        for side in sides:
            await side.open()
            opened.append(side)
            # Warm-up: every member once, untimed, with check-ins numbered past the timed ones
            # (so nothing typed in the warm-up is typed again while timed).
            past = math.ceil(total / side.members) * side.members
            for i in range(side.members):
                await side.one(past + i)
        tallies = [Tally() for _ in sides]
        per_round = math.ceil(total / rounds)
        for r in range(rounds):
            checkins = range(r * per_round, min(total, (r + 1) * per_round))
            for j in range(len(sides)):
                turn = (r + j) % len(sides)
                side = sides[turn]
                watch = profile if isinstance(side, Haven) else None
                await timed(side, checkins, concurrency, tallies[turn], watch)
        return [tally.result() for tally in tallies]
    finally:
        for side in opened:
            await side.close()


def row(level: int, label: str, result: Result) -> str:
    commits = "-" if result.commits is None else f"{result.commits:,}"
    return (
        f"{level:>5}  {label:<38} {result.rate:8.0f} {result.p50_ms:9.1f} {result.p99_ms:9.1f}"
        f" {commits:>8}"
    )


def report(level: int, anchor: Result, ours: Result, plain: Result) -> None:
    """One level's three sides, and Haven's ratio to the anchor (overall and by round)."""
    print(row(level, "anchor: dedupe row + check-in row", anchor))
    print(row(level, "haven: dedupe + /checkin", ours))
    print(row(level, "context: check-in row only", plain))
    met = ours.rate / anchor.rate >= TARGET_RATIO and ours.p99_ms < TARGET_P99_MS
    verdict = ("meets" if met else "misses") if level >= 10 else "not a target"
    each = " ".join(f"{h / a:.2f}" for h, a in zip(ours.rounds, anchor.rounds, strict=True))
    label, ratio = "ratio haven / anchor", ours.rate / anchor.rate
    print(f"{'':>5}  {label:<38} {ratio:8.2f}  ({verdict}; by round {each})")


def top_functions(profile: cProfile.Profile, n: int) -> str:
    """pstats' columns, with file names relative to the repository or the standard library."""
    bases = [Path(__file__).resolve().parents[1], Path(sysconfig.get_paths()["stdlib"])]

    def where(file: str, line: int, name: str) -> str:
        for base in bases:
            if Path(file).is_relative_to(base):
                return f"{Path(file).relative_to(base)}:{line}({name})"
        return f"{file}:{line}({name})" if line else name

    stats = pstats.Stats(profile).stats
    ranked = sorted(stats.items(), key=lambda item: item[1][3], reverse=True)[:n]
    lines = [f"{'ncalls':>9} {'tottime':>8} {'cumtime':>8}  function (cumulative, top {n})"]
    for (file, line, name), (_, calls, tottime, cumtime, _) in ranked:
        lines.append(f"{calls:>9} {tottime:8.3f} {cumtime:8.3f}  {where(file, line, name)}")
    return "\n".join(lines)


def durable(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3000, help="timed check-ins per side/level")
    parser.add_argument("--concurrency", default="1,10,100", help="comma-separated task counts")
    parser.add_argument("--rounds", type=int, default=5, help="turns each side takes per level")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None, help="where the databases go")
    parser.add_argument("--profile", action="store_true", help="cProfile Haven's side only")
    parser.add_argument(
        "--engine",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: a server this bench starts (tests/pgserver.py, fsync on)",
    )
    args = parser.parse_args(argv)
    if args.engine == "postgresql":
        await main_postgres(args)
        return
    levels = [int(n) for n in args.concurrency.split(",") if n.strip()]
    if args.members < max(levels):
        parser.error("--members must be at least the highest concurrency")
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        seeded = Path(folder) / "seed.db"
        rows, first_id = await seed(seeded, args.members)
        durable(seeded)
        ids = counter(first_id)

        def copy(name: str) -> Path:
            target = Path(folder) / name
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(seeded, target)
            durable(target)  # else the copy's dirty pages are flushed by the first timed commit
            return target

        print(
            f"check-ins: {args.members} members, each with consent and {HISTORY_DAYS} days of "
            f"daily history ({rows:,} rows), {args.count:,} timed per side and level"
        )
        print(
            "  WAL, synchronous = FULL; each side on its own copy of one seeded file, read once "
            "and warmed\n  (one check-in per member) before timing; the anchor writes through one "
            "aiosqlite connection\n  shared by its tasks, as Haven writes through one; the sides "
            f"take turns, {args.rounds} rounds a level"
        )
        print(f"  load average before: {load()}  ({os.cpu_count()} cores)")
        if args.profile:
            for level in levels:
                profile = cProfile.Profile()
                haven = Haven(copy("haven.db"), ids, args.members)
                [result] = await measure([haven], args.count, level, 1, profile)
                print(f"\n{row(level, 'haven: dedupe + /checkin (profiled)', result)}")
                print(top_functions(profile, 15))
            print(f"  load average after: {load()}")
            return
        print(
            f"\n{'tasks':>5}  {'side':<38} {'per s':>8} {'p50 ms':>9} {'p99 ms':>9} {'commits':>8}"
        )
        for level in levels:
            sides: list[Side] = [
                Anchor(copy("anchor.db"), True, ids, args.members),
                Haven(copy("haven.db"), ids, args.members),
                Anchor(copy("plain.db"), False, ids, args.members),
            ]
            report(level, *await measure(sides, args.count, level, args.rounds))
    print(f"\n  load average after: {load()}   total {time.perf_counter() - began:.0f} s")
    print(
        f"  target: ratio >= {TARGET_RATIO:.1f} and p99 < {TARGET_P99_MS:.0f} ms at 10 and 100 "
        "concurrent; the anchor commits each row on its own (two per check-in)"
    )


async def main_postgres(args: argparse.Namespace) -> None:
    """The same sides and rounds on PostgreSQL 15, durable defaults, one server for all."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from pgserver import PgServer

    levels = [int(n) for n in args.concurrency.split(",") if n.strip()]
    began = time.perf_counter()
    with PgServer(durable=True) as server:
        template, rows, first_id = await seed_postgres(server.dsn, args.members)
        ids = counter(first_id)
        print(
            f"check-ins on PostgreSQL 15 (fsync, synchronous_commit on): {args.members} members, "
            f"each with consent and {HISTORY_DAYS} days of history ({rows:,} rows), "
            f"{args.count:,} timed per side and level"
        )
        print(
            "  each side on its own copy of one seeded database, warmed (one check-in per "
            "member);\n  the anchor commits each statement on its own through a pool of 10 "
            f"connections, as Haven's; {args.rounds} rounds a level"
        )
        print(f"  load average before: {load()}  ({os.cpu_count()} cores)")
        print(
            f"\n{'tasks':>5}  {'side':<38} {'per s':>8} {'p50 ms':>9} {'p99 ms':>9} {'commits':>8}"
        )
        for level in levels:
            sides: list[Side] = [
                PgAnchor(await pg_copy(server.dsn, template, "anchor"), True, ids, args.members),
                Haven(await pg_copy(server.dsn, template, "haven"), ids, args.members),
                PgAnchor(await pg_copy(server.dsn, template, "plain"), False, ids, args.members),
            ]
            profile = cProfile.Profile() if args.profile else None
            report(level, *await measure(sides, args.count, level, args.rounds, profile))
            if profile is not None:
                print(top_functions(profile, 40))
    print(f"\n  load average after: {load()}   total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    asyncio.run(main())
