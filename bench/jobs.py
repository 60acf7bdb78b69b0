"""Scheduled jobs against a year of data: how long each takes, how long it stalls the event loop,
how long a member's check-in waits behind it, and how much memory it needs.

The data: `--members` members (5,000) in `--communities` groups (10 of 500), all consenting,
each checking in about once a day (0, 1, 1, 1 or 2 times) for `--days` days (365) plus the
oldest day, the one the daily retention run is due to remove (about 1.8 million check-ins),
with moods, feelings and the community of each check-in as Haven records them, and notes only
on the last 31 days (older ones were blanked by earlier retention runs). A third of the members
keep personal milestones, every member has a `/remind daily 20:30` reminder and each group's
lead a `weekly mon 09:30` summary, with the ledger of their past firings (nothing prunes it).

How it is built: Haven's migrations up to 008 (the tables the rows go into), the history
inserted directly with `sqlite3` in one transaction, then Haven itself: `App.start` runs any
later migration over that history, as upgrading a database in use would, and the last day's
check-ins go through `App.handle`, so whatever Haven keeps beside the rows (running figures,
ledgers) is as a day of use leaves it. The file is cached under `--cache`, keyed by the
migrations and the seeding code, and copied before each job, so every job starts from the
same data.

The jobs, each fired on the day the data ends (a Monday in winter: London time is UTC) through
the entry point the scheduler uses: `run_job` on the app's fixed jobs (`App.jobs`) by name, and
for schedules the schedule runner's real-time loop on the bench's clock where Haven has one
(`start_realtime`, woken by `poke`), else every due job of `App.timeline_jobs()` started at
once, as APScheduler's asyncio executor starts due jobs (one task each):

- community milestones and personal milestones: the hourly run at 09:00, when anniversaries
  come due. The same job's run a day earlier goes first, unmeasured, in its own process, so
  the measured run is an ordinary hour and not a first run with years of backlog;
- retention: the daily run at 03:30 (a day of check-ins expires, a day of notes is blanked);
- weekly summaries: one firing per group, all at Monday 09:30 (a chart each, drawn in the chart
  worker, which is started and warmed first as `haven run` does);
- reminders: all `--members` reminders due at 20:30.

Messages the jobs queue stay in the outbox (no adapter is registered); `--deliver` registers a
sink that accepts every message at once, so the outbox worker drains while the job runs.

While a job runs, a 5 ms ticker records the longest stall of the event loop beyond its 5 ms
sleep, and every 20 ms (`--interval`) a `/checkin 4 tired,hopeful a few words` goes through
`App.handle` from one of 50 seeded members (a year of history each), open loop: each check-in is
due at its own moment and its wait is counted from then, so one due during a stall waits for
the stall too. The anchor is the same ticker and check-ins with no job running. Each job runs
in a fresh process, so the peak RSS (VmHWM) is that process's own: start-up and the job. The
RSS growth is the job's own peak over the resident memory just before it (VmHWM reset through
/proc/self/clear_refs); the chart worker's memory is not included.

Targets from the issue: event-loop stall under 50 ms, check-in wait under 100 ms, peak RSS
under 200 MB. Run small with `--members 500 --days 60`; `--jobs` picks the jobs.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import inspect
import json
import logging
import math
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import App, build
from bot.core.clock import SimulatedClock
from bot.core.messages import Actor, Place, Reply, Request
from bot.domain.moods import FEELINGS
from bot.scheduler.jobs import Job, run_job
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "data" / "migrations"
END = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday; the seeded check-ins stop here
ZONE = "Europe/London"
REMINDER = "daily 20:30"
SUMMARY = "weekly mon 09:30"
PLATFORM = "bench"
BASE_SCHEMA = 8  # migrations 001-008: the tables the raw rows go into
PROBES = 50  # seeded members who send the check-ins during each job
TICK = 0.005
CLOSE_SECONDS = 60.0
CHECKIN = "4 tired,hopeful a few words"
TARGET_STALL_MS, TARGET_WAIT_MS, TARGET_RSS_MB = 50.0, 100.0, 200.0
NOTES = (
    "long day at work",
    "slept badly again",
    "went for a walk",
    "talked to my sister",
    "meeting went better than I feared",
    "missed the bus, still made it",
    "cooked a proper dinner",
    "anxious about tomorrow",
    "good session with my therapist",
    "quiet evening, early night",
    "argument at home",
    "rain all day",
)
MILESTONES = ("sober", "smoke-free", "no self-harm", "gambling-free", "back at work", "therapy")


@dataclass(frozen=True)
class Scenario:
    label: str
    after: timedelta  # the firing measured: at or after END + after
    kind: str  # "idle", "job" (a fixed job of App.jobs, by name) or "schedules" (all due then)
    job: str = ""
    warm: bool = False  # fire the same job a day earlier first (unmeasured, own process)


SCENARIOS = {
    "idle": Scenario("idle loop, no job (anchor)", timedelta(hours=12), "idle"),
    "community": Scenario(
        "community milestones (hourly, 09:00)",
        timedelta(hours=9),
        "job",
        "community_milestones",
        warm=True,
    ),
    "personal": Scenario(
        "personal milestones (hourly, 09:00)", timedelta(hours=9), "job", "milestones", warm=True
    ),
    "retention": Scenario("retention (daily, 03:30)", timedelta(0), "job", "retention"),
    "summaries": Scenario(
        "weekly summaries (Mon 09:30)", timedelta(hours=9, minutes=30), "schedules"
    ),
    "reminders": Scenario("reminders (daily 20:30)", timedelta(hours=20, minutes=30), "schedules"),
}


def stamp(moment: datetime) -> str:
    """As Haven stores times: UTC ISO text to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# -- seeding ---------------------------------------------------------------------------------
def base_schema(path: Path) -> None:
    """Haven's migrations up to BASE_SCHEMA, applied as Haven applies them: the schema the raw
    history is written in. Later ones run over the seeded rows at the next start, as an upgrade
    of a database in use would (a migration that fills a table from the history fills it)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        for number, migration in enumerate(sorted(MIGRATIONS.glob("*.sql"))[:BASE_SCHEMA], 1):
            script = migration.read_text(encoding="utf-8")
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
    finally:
        conn.close()


async def last_day(path: Path, checkins: list[tuple[str, int, int, str, str | None]]) -> None:
    """The day before the end through Haven itself: `App.start` runs the later migrations, and
    each check-in takes the whole path, so whatever Haven keeps beside the rows (streaks,
    counts, ledgers) is as a day of use leaves it. The schedule specs are checked here too."""
    clock = SimulatedClock(END - timedelta(days=1))
    settings = Settings(bot={"database": path})
    app = build(settings, clock=clock, rng=random.Random(0), cooldown=False)
    await app.start()
    try:
        for spec in (REMINDER, SUMMARY):
            app.services.schedules.check(spec, ZoneInfo(ZONE))

        async def checkin(member: int, mood: int, tags: str, note: str | None) -> None:
            actor = Actor(PLATFORM, f"u{member}", f"member{member}")
            place = Place(PLATFORM, f"dm:{actor.user_id}", is_direct=True)
            text = " ".join(x for x in (str(mood), tags, note) if x)
            replies = await app.handle(Request("checkin", text, actor, place, clock.now()))
            if not replies or not replies[0].text.startswith("Recorded"):
                raise RuntimeError(f"seeding check-in refused: {replies[0].text[:80]!r}")

        for start in range(0, len(checkins), 25):  # 25 at a time, at the first one's moment
            batch = checkins[start : start + 25]
            clock.set(max(clock.now(), datetime.fromisoformat(batch[0][0])))
            await asyncio.gather(*(checkin(m, mood, t, n) for _, m, _, mood, t, n in batch))
    finally:
        await app.close()


def seed_rows(
    path: Path, members: int, days: int, communities: int, seed: int
) -> list[tuple[str, int, int, str, str | None]]:
    """Everything but the last day's check-ins, which are returned (in time order)."""
    rng = random.Random(seed)
    london = ZoneInfo(ZONE)
    last_day = END.date() - timedelta(days=1)
    first_day = END.date() - timedelta(days=days + 1)  # the oldest day, due for retention
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        created: dict[int, datetime] = {}
        for c in range(1, communities + 1):
            # The first group came to Haven two years ago today: its anniversary is due.
            back = 730 if c == 1 else rng.randint(500, 1100)
            created[c] = datetime.combine(
                END.date() - timedelta(days=back), clock_time(8), UTC
            ) + timedelta(minutes=rng.randint(0, 600))
            conn.execute(
                "INSERT INTO communities (id, platform, key, title, chat_id, timezone, country, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (c, PLATFORM, f"g{c}", f"Group {c}", f"-100{c}", ZONE, "GB", stamp(created[c])),
            )
        group = {i: (i - 1) % communities + 1 for i in range(1, members + 1)}
        joined: dict[int, datetime] = {}
        member_rows, consent_rows, belong_rows = [], [], []
        for i in range(1, members + 1):
            start = created[group[i]] + timedelta(days=1)
            span = max(1, int((first_day - start.date()).days))
            joined[i] = start + timedelta(days=rng.randrange(span), seconds=rng.randint(0, 43200))
            at = stamp(joined[i])
            zone = ZONE if rng.random() < 0.3 else None  # the rest take their group's zone
            public = int(rng.random() < 0.2)
            member_rows.append((i, PLATFORM, f"u{i}", f"member{i}", zone, public, at))
            consent_rows.append((i, at))
            seen = stamp(END - timedelta(minutes=rng.randint(60, 4 * 24 * 60)))
            belong_rows.append((group[i], i, at, seen, at))
        conn.executemany(
            "INSERT INTO members (id, platform, user_id, name, timezone, celebrate_public, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            member_rows,
        )
        conn.executemany("INSERT INTO consents (member_id, given_at) VALUES (?, ?)", consent_rows)
        conn.executemany(
            "INSERT INTO community_members (community_id, member_id, joined_at, seen_at, "
            "agreed_at) VALUES (?, ?, ?, ?, ?)",
            belong_rows,
        )

        # Check-ins in time order, as they arrive (the member index is scattered, as in use).
        baseline = {i: rng.choice((2, 3, 3, 4, 4)) for i in range(1, members + 1)}
        final: list[tuple[str, int, int, str, str | None]] = []
        day = first_day
        while day <= last_day:
            offset = int(datetime.combine(day, clock_time(12), london).utcoffset().total_seconds())
            with_notes = (END.date() - day).days <= 31
            rows = []
            for i in range(1, members + 1):
                for _ in range(rng.choice((0, 1, 1, 1, 2))):
                    seconds = rng.randint(6 * 3600, 23 * 3600 - 1) - offset  # 06:00-23:00 local
                    h, rest = divmod(seconds, 3600)
                    at = f"{day.isoformat()}T{h:02d}:{rest // 60:02d}:{rest % 60:02d}+00:00"
                    mood = min(5, max(1, baseline[i] + rng.choice((-1, 0, 0, 1))))
                    tags = ",".join(rng.sample(FEELINGS, rng.choice((0, 1, 1, 2, 3))))
                    note = rng.choice(NOTES) if with_notes and rng.random() < 0.3 else None
                    rows.append((at, i, group[i], mood, tags, note))
            rows.sort()
            if day == last_day:
                final = rows
                break
            conn.executemany(
                "INSERT INTO checkins (at, member_id, community_id, mood, tags, note) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            day += timedelta(days=1)

        milestone_rows = []
        for i in range(1, members + 1):
            for _ in range(int(rng.random() < 0.3) + int(rng.random() < 0.05)):
                begun = END.date() - timedelta(days=rng.randint(8, 5 * 365))
                added = max(begun, joined[i].date()) + timedelta(days=rng.randint(0, 30))
                added = min(added, END.date() - timedelta(days=2))
                chat = ("bench", f"-100{group[i]}") if rng.random() < 0.5 else (None, None)
                at = stamp(datetime.combine(added, clock_time(10), UTC))
                milestone_rows.append((i, rng.choice(MILESTONES), begun.isoformat(), *chat, at))
        conn.executemany(
            "INSERT INTO milestones (member_id, label, start_date, chat_platform, chat_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            milestone_rows,
        )

        # Schedules, with the ledger of the firings that already happened.
        def local(d: date, hour: int, minute: int) -> str:
            return stamp(datetime.combine(d, clock_time(hour, minute), london))

        for c in range(1, communities + 1):
            since = max(created[c] + timedelta(days=1), END - timedelta(days=200))
            sid = conn.execute(
                "INSERT INTO schedules (community_id, kind, platform, chat_id, spec, timezone, "
                "created_by, created_at) VALUES (?, 'summary', ?, ?, ?, ?, ?, ?)",
                (c, PLATFORM, f"u{c}", SUMMARY, ZONE, c, stamp(since)),
            ).lastrowid
            monday = since.date() + timedelta(days=(7 - since.date().weekday()) % 7 or 7)
            fired = []
            while monday < END.date():
                fired.append((sid, local(monday, 9, 30), local(monday, 9, 31)))
                monday += timedelta(days=7)
            conn.executemany(
                "INSERT INTO firings (schedule_id, fire_time, recorded_at) VALUES (?, ?, ?)", fired
            )
        evenings = {}
        for i in range(1, members + 1):
            back = rng.randint(2, max(2, days))
            since = max(joined[i], END - timedelta(days=back, hours=-12))
            sid = conn.execute(
                "INSERT INTO schedules (member_id, kind, platform, chat_id, spec, timezone, "
                "created_by, created_at) VALUES (?, 'reminder', ?, ?, ?, ?, ?, ?)",
                (i, PLATFORM, f"u{i}", REMINDER, ZONE, i, stamp(since)),
            ).lastrowid
            d = since.date() + timedelta(days=1)
            fired = []
            while d < END.date():
                if d not in evenings:
                    evenings[d] = (local(d, 20, 30), local(d, 20, 31))
                fired.append((sid, *evenings[d]))
                d += timedelta(days=1)
            conn.executemany(
                "INSERT INTO firings (schedule_id, fire_time, recorded_at) VALUES (?, ?, ?)", fired
            )
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    return final


def cache_key(members: int, days: int, communities: int, seed: int) -> str:
    digest = hashlib.sha256()
    for path in sorted(MIGRATIONS.glob("*.sql")):
        digest.update(path.name.encode() + path.read_bytes())
    for function in (base_schema, seed_rows, last_day):
        digest.update(inspect.getsource(function).encode())
    digest.update(f"{members}:{days}:{communities}:{seed}:{END.isoformat()}".encode())
    return digest.hexdigest()[:16]


def seeded(args: argparse.Namespace) -> tuple[Path, float]:
    """The cached database for these parameters, seeding it first if needed (seconds spent)."""
    folder = args.cache
    folder.mkdir(parents=True, exist_ok=True)
    key = cache_key(args.members, args.days, args.communities, args.seed)
    path = folder / f"jobs-{args.members}m-{args.days}d-{key}.db"
    if path.exists() and not args.fresh:
        return path, 0.0
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    for leftover in folder.glob(f"{partial.name}*"):
        leftover.unlink()
    base_schema(partial)
    final = seed_rows(partial, args.members, args.days, args.communities, args.seed)
    asyncio.run(last_day(partial, final))
    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    partial.replace(path)
    return path, time.perf_counter() - started


def table_counts(path: Path, before: datetime) -> dict[str, int]:
    """What a job changed: outbox rows, and check-ins and notes older than its firing (the
    bench's own check-ins are stamped at the firing, so they are not among them)."""
    conn = sqlite3.connect(path)
    try:
        at = stamp(before)
        return {
            "outbox": conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0],
            "checkins": conn.execute(
                "SELECT COUNT(*) FROM checkins WHERE at < ?", (at,)
            ).fetchone()[0],
            "notes": conn.execute(
                "SELECT COUNT(*) FROM checkins WHERE note IS NOT NULL AND at < ?", (at,)
            ).fetchone()[0],
        }
    finally:
        conn.close()


# -- one job, in its own process -------------------------------------------------------------
def memory_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB; zeros where /proc is missing."""
    found = {"VmRSS": 0.0, "VmHWM": 0.0}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                key = line.split(":", 1)[0]
                if key in found:
                    found[key] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return found["VmRSS"], found["VmHWM"]


def reset_peak() -> bool:
    """Set VmHWM back to the current RSS (Linux 4.0 and later); False where that is refused."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


class ErrorCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        self.first = self.first or record.getMessage()[:120]


async def sink(reply: Reply, *, attempt: Callable[[], Awaitable[None]] | None = None) -> None:
    """A platform that takes every message at once."""
    if attempt is not None:
        await attempt()


def due_at(job: Job, moment: datetime) -> bool:
    upcoming = job.trigger.get_next_fire_time(None, moment - timedelta(seconds=59))
    return upcoming is not None and upcoming <= moment


@dataclass
class Plan:
    fire: datetime
    fired: int  # jobs (or schedules) due at `fire`
    work: Callable[[], Awaitable[Any]]
    how: str = ""
    stop: Callable[[], Awaitable[Any]] | None = None


async def planned(app: App, scenario: Scenario, base: datetime, idle: float) -> Plan:
    """The firing moment, how many jobs fire then, and the work itself."""
    services = app.services
    if scenario.kind == "idle":
        return Plan(base, 0, lambda: asyncio.sleep(idle))
    if scenario.kind == "job":
        named = {job.name: job for job in app.jobs}
        if scenario.job not in named:
            raise LookupError(f"no job {scenario.job!r}; App.jobs has {sorted(named)}")
        job = named[scenario.job]
        fire = job.trigger.get_next_fire_time(None, base)
        return Plan(fire, 1, lambda: run_job(job, services, fire, app.deliver))
    fixed = {job.name for job in app.jobs}
    due = [j for j in await app.timeline_jobs() if due_at(j, base) and j.name not in fixed]
    runner = app.schedules
    if not all(hasattr(runner, name) for name in ("start_realtime", "stop", "poke")):
        # APScheduler's asyncio executor starts every due job as its own task, all at once.
        async def fire_all() -> None:
            await asyncio.gather(*(run_job(j, services, base, app.deliver) for j in due))

        return Plan(base, len(due), fire_all, "all due jobs started at once")

    # The schedule runner's own real-time loop on the simulated clock: planned now, woken at
    # the firing; done when every due schedule's firing has returned.
    await runner.start_realtime()
    finished = 0
    all_done = asyncio.Event()
    fire_one = runner.fire

    async def counted(row: Any, at: datetime) -> bool:
        nonlocal finished
        try:
            return await fire_one(row, at)
        finally:
            finished += 1
            if finished >= len(due):
                all_done.set()

    runner.fire = counted

    async def wake_and_wait() -> None:
        runner.poke()
        await all_done.wait()

    return Plan(base, len(due), wake_and_wait, "by the real-time schedule runner", runner.stop)


async def under_load(
    app: App,
    clock: SimulatedClock,
    work: Callable[[], Awaitable[Any]],
    interval: float,
    limit: float,
) -> dict[str, Any]:
    """Run `work` beside the ticker and the check-ins; figures in ms and s."""
    stop = asyncio.Event()
    longest = 0.0
    waits: list[float] = []
    refused = 0
    actors = [Actor(PLATFORM, f"u{i}", f"member{i}") for i in range(1, PROBES + 1)]

    async def ticker() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            longest = max(longest, now - last - TICK)
            last = now

    async def checkin(n: int, due: float) -> None:
        nonlocal refused
        actor = actors[n % len(actors)]
        place = Place(PLATFORM, f"dm:{actor.user_id}", is_direct=True)
        try:
            replies = await app.handle(Request("checkin", CHECKIN, actor, place, clock.now()))
            if not replies or not replies[0].text.startswith("Recorded"):
                refused += 1
        except Exception:
            refused += 1
        waits.append(time.perf_counter() - due)

    sent: set[asyncio.Task[None]] = set()

    async def sender() -> None:
        start = time.perf_counter()
        n = 0
        while not stop.is_set():
            due = start + n * interval
            if due > time.perf_counter():
                await asyncio.sleep(due - time.perf_counter())
                continue
            sent.add(asyncio.create_task(checkin(n, due)))  # overdue after a stall: all at once
            n += 1

    helpers = [asyncio.create_task(ticker()), asyncio.create_task(sender())]
    started = time.perf_counter()
    timed_out = False
    try:
        await asyncio.wait_for(work(), limit)
    except TimeoutError:
        timed_out = True
    wall = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*helpers)
    await asyncio.gather(*sent)
    ordered = sorted(waits)
    p99 = ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)] if ordered else 0.0
    return {
        "wall_s": wall,
        "timeout": timed_out,
        "stall_ms": longest * 1000,
        "wait_max_ms": (ordered[-1] if ordered else 0.0) * 1000,
        "wait_p99_ms": p99 * 1000,
        "checkins": len(ordered),
        "refused": refused,
    }


async def closed_within(app: App, seconds: float) -> bool:
    try:
        await asyncio.wait_for(app.close(), seconds)
    except TimeoutError:
        return False
    return True


async def child(args: argparse.Namespace) -> dict[str, Any]:
    errors = ErrorCount()
    logging.basicConfig(level=logging.CRITICAL)  # catch-up notes and the like stay quiet
    logging.getLogger().addHandler(errors)
    scenario = SCENARIOS[args.scenario]
    warm = args.child == "warm"
    base = END + scenario.after - (timedelta(days=1) if warm else timedelta(0))
    clock = SimulatedClock(base - timedelta(minutes=2))
    settings = Settings(bot={"database": args.db})
    app = build(settings, clock=clock, rng=random.Random(0), cooldown=False)
    before: dict[str, int] = {}
    await app.start()
    try:
        charts = app.services.charts
        try:  # started as `haven run` does, and its warm-up awaited before measuring
            charts.start()
            await charts.render(len, "")
        except Exception:
            logging.getLogger(__name__).critical("the chart worker did not start")
        if args.deliver and not warm:
            app.outbox.register(PLATFORM, sink)
            await app.start_delivery()
        plan = await planned(app, scenario, base, args.idle)
        fire = plan.fire
        if warm:
            started = time.perf_counter()
            clock.set(fire)
            await plan.work()
            return {"wall_s": time.perf_counter() - started, "errors": errors.count}
        before = table_counts(Path(args.db), fire)
        for actor_id in range(1, PROBES + 1):  # first sight of each member: caches filled
            actor = Actor(PLATFORM, f"u{actor_id}", f"member{actor_id}")
            place = Place(PLATFORM, f"dm:{actor.user_id}", is_direct=True)
            await app.handle(Request("consent", "", actor, place, clock.now()))
        clock.set(fire)
        rss_before, peak_before = memory_mb()
        reset = reset_peak()
        result = await under_load(app, clock, plan.work, args.interval, args.timeout)
        _, peak_job = memory_mb()
        if plan.stop is not None:
            await plan.stop()
    finally:
        closed = await closed_within(app, CLOSE_SECONDS)
    after = table_counts(Path(args.db), fire)
    found = {
        **result,
        "fire": fire.isoformat(),
        "fired": plan.fired,
        "how": plan.how,
        "rss_before_mb": rss_before,
        "peak_mb": max(peak_before, peak_job),
        "growth_mb": peak_job - rss_before if reset else None,
        "queued": after["outbox"] - before["outbox"],
        "checkins_removed": before["checkins"] - after["checkins"],
        "notes_removed": before["notes"] - after["notes"],
        "errors": errors.count,
        "first_error": errors.first,
        "closed": closed,
    }
    if not closed:  # a task that kept running after its cancellation would hold the loop open
        print(json.dumps(found), flush=True)
        os._exit(0)
    return found


# -- the parent: seed, run each job in its own process, print the table ----------------------
def run_child(mode: str, name: str, db: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.jobs",
        "--child",
        mode,
        "--scenario",
        name,
        "--db",
        str(db),
        "--timeout",
        str(args.timeout),
        "--idle",
        str(args.idle),
        "--interval",
        str(args.interval),
        *(["--deliver"] if args.deliver else []),
    ]
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout + 600
        )
    except subprocess.TimeoutExpired:
        return {"failed": f"killed after {args.timeout + 600:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"failed": f"exit {done.returncode}: {tail[:100]}"}
    return json.loads(lines[-1])


def tree() -> str:
    """The commit measured, and whether bot/ differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "bot", "commands", "data"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head or 'unknown'}{' + uncommitted changes' if dirty else ''}"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def row(label: str, r: dict[str, Any], warmed: dict[str, Any] | None) -> str:
    if "failed" in r:
        return f"  {label:<38} failed: {r['failed']}"
    wall = f"{r['wall_s']:7.2f} s" if not r["timeout"] else f">{r['wall_s']:5.0f} s TIMEOUT"
    growth = f"{r['growth_mb']:+6.0f}" if r.get("growth_mb") is not None else "     ?"
    over = [
        name
        for name, value, target in (
            ("stall", r["stall_ms"], TARGET_STALL_MS),
            ("wait", r["wait_max_ms"], TARGET_WAIT_MS),
            ("rss", r["peak_mb"], TARGET_RSS_MB),
        )
        if value >= target
    ]
    did = []
    if r["fired"]:
        did.append(f"{r['fired']} fired{' ' + r['how'] if r.get('how') else ''}")
    if r["queued"]:
        did.append(f"{r['queued']:,} queued")
    if r["checkins_removed"]:
        did.append(f"{r['checkins_removed']:,} check-ins deleted")
    if r["notes_removed"]:
        did.append(f"{r['notes_removed']:,} notes blanked")
    if warmed is not None:
        if "failed" in warmed:
            did.append(f"day before failed: {warmed['failed']}")
        else:
            did.append(f"day before {warmed['wall_s']:.1f} s")
    if r["refused"]:
        did.append(f"{r['refused']} check-ins refused")
    if r["errors"]:
        did.append(f"{r['errors']} errors: {r['first_error']}")
    if r.get("closed") is False:
        did.append(f"App.close() had not returned after {CLOSE_SECONDS:.0f} s")
    return (
        f"  {label:<38}{wall} {r['stall_ms']:9.1f} {r['wait_max_ms']:9.1f} "
        f"{r['wait_p99_ms']:9.1f} {r['checkins']:6d} {r['peak_mb']:7.0f} {growth}  "
        f"{'over: ' + ','.join(over) if over else 'ok':<17} {'; '.join(did)}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--communities", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--jobs", default=",".join(SCENARIOS), help=f"comma-separated: {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a job may run")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of the idle anchor")
    parser.add_argument("--interval", type=float, default=0.02, help="seconds between check-ins")
    parser.add_argument("--deliver", action="store_true", help="drain the outbox into a sink")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "haven-bench-jobs",
        help="where seeded databases are kept between runs",
    )
    parser.add_argument("--fresh", action="store_true", help="seed again even if cached")
    parser.add_argument("--child", choices=("warm", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--scenario", choices=tuple(SCENARIOS), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(asyncio.run(child(args))))
        return

    names = [n.strip() for n in args.jobs.split(",") if n.strip()]
    unknown = sorted(set(names) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown jobs {unknown}; choose from {', '.join(SCENARIOS)}")
    if "idle" not in names:
        names.insert(0, "idle")
    load_before = load()
    source, seeding = seeded(args)
    conn = sqlite3.connect(source)
    checkins = conn.execute("SELECT COUNT(*) FROM checkins").fetchone()[0]
    conn.close()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            db = Path(folder) / f"{name}.db"
            shutil.copyfile(source, db)
            warmed = run_child("warm", name, db, args) if SCENARIOS[name].warm else None
            rows.append(row(SCENARIOS[name].label, run_child("measure", name, db, args), warmed))
            db.unlink()
    seeded_how = f"seeded in {seeding:.0f} s" if seeding else "cached"
    print(
        f"scheduled jobs: {args.members:,} members in {args.communities} groups, {args.days} days "
        f"+ the expired day ({checkins:,} check-ins, {seeded_how}), tree {tree()}"
    )
    print(
        f"  each job in its own process on a fresh copy; outbox "
        f"{'drained into a sink' if args.deliver else 'enqueued only (no adapter)'}; "
        f"/checkin every {args.interval * 1000:.0f} ms from {PROBES} members, wait from when due"
    )
    print(
        f"  {'job':<38}{'wall':>9} {'stall ms':>9} {'wait max':>9} {'wait p99':>9} "
        f"{'sent':>6} {'peak MB':>7} {'+MB':>6}  {'targets':<17} what it did"
    )
    print("\n".join(rows))
    print(
        f"  targets: stall < {TARGET_STALL_MS:.0f} ms, check-in wait < {TARGET_WAIT_MS:.0f} ms, "
        f"peak RSS < {TARGET_RSS_MB:.0f} MB; load average {load_before} -> {load()} "
        f"on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
