"""PostgreSQL, the second engine: a real server (tests/conftest.py pg_server), the same
commands answered the same way as on SQLite, and what only a server with many clients shows.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from pgserver import pg_query
from shared import haven_env, query

from bot.storage.database import Statement
from bot.storage.postgres import PgDatabase, pg_migrations, translate
from bot.storage.transfer import TABLES

LATEST = pg_migrations()[-1][0]  # the newest schema version

# Most of what Haven keeps, in one console session: check-ins with feelings, notes, an undo
# and an edit; streaks over days with a bridged one; charts; milestones; rules, the welcome
# and its gate; resource topics, searches with typos, kinds and a short prefix, a lead's own
# entry, hiding; schedules that fire as the clock moves; a weekly summary; a safety plan; the
# member's data, its export and erasure.
SESSION = [
    "/checkin",
    ":press 4",
    ":press 1",
    ":press 7",
    "/checkin note long day at work",
    "/checkin 2 anxious, Tired rough night",
    "/checkin undo",
    "/checkin edit 3",
    "/mood",
    ":clock +1d",
    "/checkin 4 calm",
    ":clock +2d",
    "/checkin 5 grateful",
    "/mood",
    "/mood chart 30",
    "/milestone add sober 2025-12-20",
    "/milestones",
    "/resources",
    "/resources anxeity",
    "/resources sle",
    "/resources art",
    "/resources books",
    "/resources sleep apps",
    "/resources find me a therapist",
    "/resources meditation",
    "/helpline GB",
    "/settings country GB",
    "/resources anxiety",
    ":in lounge",
    ":as sam lead",
    "/rules add Celebrate small wins",
    "/rules add celebrate small wins.",
    "/rules gate restrict",
    '/resources add sleep podcast https://example.org/talks "Sleep talks" Calm talks',
    "/resources sleep",
    "/schedule checkin daily 9am Europe/London How is everyone?",
    "/schedule summary weekly sun 18:00",
    "/schedules",
    ":join kim",
    ":as kim",
    ":press 2",
    "/consent yes",
    "/checkin 3",
    ":as lee",
    "/consent yes",
    "/checkin 2",
    ":as ana",
    "/consent yes",
    "/checkin 4",
    ":clock +4d",
    ":dm",
    ":as kim",
    "/safetyplan",
    "/mydata",
    "/forgetme",
    "/forgetme confirm",
    "/privacy",
]


SEARCHES = {line for line in SESSION if line.startswith("/resources ") and " " in line[11:]} | {
    "/resources anxeity",
    "/resources sle",
    "/resources art",
    "/resources books",
    "/resources meditation",
    "/resources anxiety",
}


def _same_paths(text: str) -> str:
    """A file the console wrote is shown where it is: the folders differ, the names not."""
    return re.sub(r"written to \S*attachments/", "written to attachments/", text)


@pytest.mark.engines("sqlite")  # runs both engines itself, side by side
def test_the_same_session_answers_the_same_on_both_engines_and_moves_across(
    console, pg_database, pg_server, tmp_path
):
    """Then `haven migrate --to` moves that SQLite history into another PostgreSQL database:
    every row of every table, ids kept, counts checked; Haven goes on from it there (streaks,
    milestones, schedules) as it would have on SQLite."""
    on_sqlite = console(SESSION, db="s.db")
    on_postgres = console(SESSION, db=pg_database)
    assert "Traceback" not in on_postgres.stderr and "ERROR" not in on_postgres.stderr
    assert len(on_postgres.steps) == len(on_sqlite.steps) == len(SESSION)
    for lite, pg in zip(on_sqlite.steps, on_postgres.steps, strict=True):
        if lite.line in SEARCHES:  # the same entries found; bm25 and ts_rank order ties apart
            assert sorted(pg.output.splitlines()) == sorted(lite.output.splitlines()), pg.line
        else:
            assert _same_paths(pg.output) == _same_paths(lite.output), pg.line
    for table in ("checkins", "member_streaks", "milestones", "schedules", "rules", "outbox"):
        count = f"SELECT COUNT(*) FROM {table}"
        assert on_postgres.query(count) == on_sqlite.query(count), table
    assert on_postgres.query("SELECT max(version) FROM schema_version") == [(LATEST,)]

    target = pg_server.dsn.rsplit("/", 1)[0] + "/moved"
    pg_query(pg_server.dsn, "CREATE DATABASE moved")
    _moves_across(console, on_sqlite, target, tmp_path)


def _moves_across(console, before, target: str, tmp_path) -> None:
    def migrate() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "migrate", "--to", target, "--database", "s.db"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=haven_env(),
            timeout=120,
        )

    moved = migrate()
    assert moved.returncode == 0, moved.stderr
    assert "counts checked" in moved.stdout and "checkins: " in moved.stdout
    for table in TABLES:
        count = f"SELECT COUNT(*) FROM {table}"
        assert query(target, count) == before.query(count), table
    ids = "SELECT id, mood, at FROM checkins ORDER BY id"
    assert query(target, ids) == before.query(ids)

    later = [":as ana", "/checkin 4", "/mood", "/milestones", ":in lounge", "/schedules"]
    on_sqlite = console(later, db="s.db", start="2026-01-10T08:00:00+00:00")
    on_postgres = console(later, db=target, start="2026-01-10T08:00:00+00:00")
    assert on_postgres.stdout == on_sqlite.stdout
    again = migrate()
    assert again.returncode == 1 and "copy into an empty one" in again.stderr


def test_placeholders_become_numbered_but_never_inside_text_or_casts():
    text, rows, returns_id, names = translate(
        "SELECT a FROM t WHERE x = ? AND note = 'why? because' AND day::date = ? - 1"
    )
    assert text == "SELECT a FROM t WHERE x = $1 AND note = 'why? because' AND day::date = $2 - 1"
    assert rows and not returns_id and names == ()
    text, rows, returns_id, names = translate(
        "INSERT INTO member_streaks AS s (member_id, current) VALUES (:member, :n) "
        "ON CONFLICT (member_id) DO UPDATE SET current = s.current + :n"
    )
    assert names == ("member", "n") and "$1, $2" in text and "s.current + $2" in text
    assert not rows and not returns_id  # no id column: nothing added
    text, rows, returns_id, _ = translate("INSERT INTO checkins (mood) VALUES (?)")
    assert text.endswith("RETURNING id") and rows and returns_id


async def test_two_processes_count_one_members_streak_right(pg_database):
    """Two engines on one database, as two processes would be: check-ins of one member
    arriving at once through both, day after day, keep one streak and every check-in (the
    streak is moved on in the check-in's own statement, from the stored row, which PostgreSQL
    locks for the upsert)."""
    from bot.storage.checkins import CheckinRepo, StreakRow
    from bot.storage.people import MemberRepo

    first, second = PgDatabase(pg_database), PgDatabase(pg_database)
    await first.open()
    await second.open()  # migrations already applied: the second waits, then finds none
    try:
        now = datetime(2026, 1, 5, 8, tzinfo=UTC)
        member = await MemberRepo(first).ensure("test", "ana", "Ana", now)
        day = now.date()

        async def check_in(db: PgDatabase, offset: int) -> None:
            streak = StreakRow("UTC", day + timedelta(days=offset), 1, 1)
            await CheckinRepo(db).add(
                member.id, None, 3, (), None, now + timedelta(days=offset), streak, False
            )

        for offset in range(5):  # a day at a time, as days come; four at once within a day
            await asyncio.gather(*(check_in((first, second)[i % 2], offset) for i in range(4)))
        rows = await first.fetchall(
            "SELECT current, longest, last_day FROM member_streaks WHERE member_id = ?",
            (member.id,),
        )
        assert [tuple(r) for r in rows] == [(5, 5, (day + timedelta(days=4)).isoformat())]
        assert await first.fetchone("SELECT COUNT(*) FROM checkins") == (20,)
    finally:
        await first.close()
        await second.close()


async def test_a_newer_schema_is_refused(pg_database):
    db = PgDatabase(pg_database)
    await db.open()
    await db.execute("INSERT INTO schema_version VALUES (?)", (99,))
    await db.close()
    newer = PgDatabase(pg_database)
    with pytest.raises(RuntimeError, match="newer than this version of Haven"):
        await newer.open()


class Recorder:
    """A platform that keeps what it was sent."""

    platform = "test"

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, reply, *, attempt=None) -> None:
        if attempt is not None:
            await attempt()
        self.sent.append(reply.text)


async def _until(condition, seconds: float) -> float:
    start = asyncio.get_running_loop().time()
    while not condition():
        if asyncio.get_running_loop().time() - start > seconds:
            raise AssertionError(f"not within {seconds} s")
        await asyncio.sleep(0.05)
    return asyncio.get_running_loop().time() - start


async def test_one_process_sends_and_another_takes_over_when_it_goes(pg_database):
    """Two Havens on one PostgreSQL database, as two processes: one leads and sends what
    either queues (told at once by NOTIFY); when the leader's connection dies, the other
    leads within seconds, and nothing is sent twice or left unsent."""
    from bot.app import build
    from bot.core.messages import Actor, private
    from bot.runner import lead_timed_work
    from bot.settings import Settings

    havens = []
    for _ in range(2):
        app = build(Settings(bot={"database": pg_database}))
        await app.start()
        recorder = Recorder()
        app.add_adapter(recorder)
        leader = lead_timed_work(app, pg_database)
        leader.retry = 0.2
        await leader.begin()
        havens.append((app, recorder, leader))
    try:
        await _until(lambda: sum(h[2].leading for h in havens) == 1, 5)
        (lead_app, lead_sent, lead), (other_app, other_sent, other) = sorted(
            havens, key=lambda h: not h[2].leading
        )
        member = Actor("test", "u1", "U")
        await other_app.deliver([private("first", to=member, idempotency_key="k1")])
        await _until(lambda: lead_sent.sent == ["first"], 3)  # NOTIFY: not the 5 s idle look
        assert other_sent.sent == []

        pid = lead._conn.get_server_pid()  # the leader's lock connection dies (a crash)
        await other_app.services.db.fetchone("SELECT pg_terminate_backend(?)", (pid,))
        took = await _until(lambda: other.leading and not lead.leading, 10)
        assert took < 5
        await lead_app.deliver([private("second", to=member, idempotency_key="k2")])
        await _until(lambda: other_sent.sent == ["second"], 5)
        assert lead_sent.sent == ["first"]
        sent = await other_app.services.db.fetchall("SELECT key, state FROM outbox ORDER BY key")
        assert [tuple(r) for r in sent] == [("k1", "sent"), ("k2", "sent")]
    finally:
        for app, _, leader in havens:
            await leader.end()
            await app.close()


async def test_what_one_process_changes_no_other_process_serves_stale(pg_database):
    """Caches hear of changes made elsewhere (NOTIFY): a consent withdrawn in one process stops
    the other from storing at once, and a group's new setting is what the other answers with."""
    from bot.app import build
    from bot.core.messages import Actor, Place, Request
    from bot.settings import Settings

    first, second = (build(Settings(bot={"database": pg_database})) for _ in range(2))
    await first.start()
    await second.start()
    try:
        ana = Actor("test", "ana", "Ana")
        group = Place("test", "lounge", False, "lounge", "lounge")
        direct = Place("test", "dm:ana", True)

        def ask(app, line: str, place: Place = direct, lead=False):
            name, _, text = line.removeprefix("/").partition(" ")
            now = datetime.now(UTC)
            return app.handle(Request(name, text, ana, place, now, is_lead=lead))

        await ask(first, "/consent yes")
        member = await first.services.people.member(ana)
        assert await first.services.privacy.has_consent(member.id)  # cached in the first
        await ask(second, "/consent no")
        await _until(lambda: member.id not in first.services.privacy._consented, 3)
        replies = await ask(first, "/checkin 4")
        assert "Before I keep your check-ins" in replies[0].text
        assert await first.services.db.fetchone("SELECT COUNT(*) FROM checkins") == (0,)

        await ask(first, "/community", group, lead=True)  # the group is cached in the first
        await ask(second, "/community timezone Europe/Berlin", group, lead=True)
        for _ in range(60):
            shown = await ask(first, "/community", group, lead=True)
            if "Europe/Berlin" in shown[0].text:
                break
            await asyncio.sleep(0.05)
        assert "time zone: Europe/Berlin" in shown[0].text
    finally:
        await first.close()
        await second.close()


async def test_processes_count_each_other(pg_database):
    """Each process holds one named listening connection: the others count it (they share
    the platforms' rate limits by that count)."""
    first, second = PgDatabase(pg_database), PgDatabase(pg_database)
    await first.open()
    assert await first.peers() == 1
    await second.open()
    assert await first.peers() == 2 and await second.peers() == 2
    await second.close()
    for _ in range(50):
        if await first.peers() == 1:
            break
        await asyncio.sleep(0.05)
    assert await first.peers() == 1
    await first.close()


async def test_check_reaches_postgresql_and_reads_its_schema(pg_database, tmp_path):
    def check(database: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "check", "--database", database],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=haven_env(),
            timeout=60,
        )

    empty = check(pg_database)
    assert "database: ok, PostgreSQL at" in empty.stdout and "empty; tables made" in empty.stdout
    db = PgDatabase(pg_database)
    await db.open()
    await db.close()
    ready = check(pg_database)
    assert f"(schema {LATEST}, up to date)" in ready.stdout
    away = check("postgresql://haven:hush-hush@127.0.0.1:1/none")
    assert away.returncode == 1 and "database: problem: cannot reach PostgreSQL" in away.stdout
    assert "hush-hush" not in away.stdout + away.stderr


async def test_a_bad_write_in_a_group_commit_takes_none_of_its_neighbours_down(pg_database):
    """Writes waiting together share one transaction; when the server rejects the batch, each
    is run again alone: the good ones commit, the bad one fails to its caller, and a write of
    several statements stays whole (all or none)."""
    db = PgDatabase(pg_database, min_size=1, max_size=4)
    await db.open()
    try:
        await db.execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY)")
        await db.execute("INSERT INTO scratch VALUES (0)")
        writes = [db.write(Statement("INSERT INTO scratch VALUES (?)", (n,))) for n in range(1, 41)]
        await asyncio.gather(*writes)
        assert db.writes > db.batches  # they did share transactions

        good = [db.write(Statement("INSERT INTO scratch VALUES (?)", (n,))) for n in range(41, 80)]
        bad = db.write(Statement("INSERT INTO scratch VALUES (?)", (0,)))  # taken already
        whole = db.write(
            Statement("INSERT INTO scratch VALUES (?)", (100,)),
            Statement("INSERT INTO scratch VALUES (?)", (1,)),  # taken: 100 must not stay
        )
        results = await asyncio.gather(*good, bad, whole, return_exceptions=True)
        assert all(not isinstance(r, BaseException) for r in results[:-2])
        assert all(isinstance(r, asyncpg.UniqueViolationError) for r in results[-2:])
        rows = await db.fetchall("SELECT id FROM scratch ORDER BY id")
        assert [r[0] for r in rows] == list(range(80))
    finally:
        await db.close()


@pytest.mark.engines("sqlite")
async def test_a_migrate_killed_midway_leaves_the_target_empty_and_can_run_again(
    console, pg_server, tmp_path
):
    """`haven migrate --to` copies in one PostgreSQL transaction: SIGKILLed while copying (after
    some tables, before the rest), it leaves nothing behind, and the next run copies all."""
    before = console(
        [":as ana", "/consent yes", "/checkin 4 fine", ":in lounge", "/rules"], db="s.db"
    )
    rows = [("telegram", f"u{n}", "2026-01-01T00:00:00+00:00") for n in range(300_000)]
    with sqlite3.connect(tmp_path / "s.db") as lite:
        lite.executemany("INSERT INTO inbound_updates VALUES (?, ?, ?)", rows)
    pg_query(pg_server.dsn, "CREATE DATABASE killed")
    target = pg_server.dsn.rsplit("/", 1)[0] + "/killed"
    command = [sys.executable, "-m", "bot", "migrate", "--to", target, "--database", "s.db"]
    env = haven_env() | {"PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("outbox: "):  # copied; inbound_updates (300,000 rows) comes next
            process.kill()
            break
    process.wait(timeout=30)
    assert process.returncode == -9, "the copy ended before it could be killed"
    for table in TABLES:
        assert query(target, f"SELECT COUNT(*) FROM {table}") == [(0,)], table

    again = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    for table in TABLES:
        count = f"SELECT COUNT(*) FROM {table}"
        assert query(target, count) == before.query(count), table
