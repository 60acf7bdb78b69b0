"""Every statement Haven runs on a hot or timed path uses an index: a day in the life of a
group (check-ins, reports, milestones, reminders, summaries, retention, export and erasure)
runs with every statement traced, and `EXPLAIN QUERY PLAN` of each must not scan a table
that grows with members or history."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import simulated

from bot.core.messages import Place

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
GROUP = Place(simulated.PLATFORM, "g1", is_direct=False, community_id="g1", title="Calm Corner")
# Tables that grow with members or with history; a full scan of one is a defect.
LARGE = {
    "checkins",
    "members",
    "community_members",
    "consents",
    "celebrations",
    "milestones",
    "schedules",
    "outbox",
    "inbound_updates",
    "member_streaks",
    "checkin_counts",
    "safety_plans",
    "firings",
}
# Deliberate scans (a pattern of the statement), each with its reason.
ALLOWED: dict[str, str] = {
    r"FROM schedules WHERE paused = \? ORDER BY id$": (
        "every active schedule, read once at start to plan each one's next firing"
    ),
}
SCAN = re.compile(r"\bSCAN (\w+)")


def normalised(sql: str) -> str:
    return re.sub(r"'[^']*'|\b\d+\b", "?", " ".join(sql.split()))


async def test_no_statement_scans_a_large_table(tmp_path: Path) -> None:
    world = await simulated.open_world(
        tmp_path / "p.db", START, GROUP, limits={"commands_per_minute": 0}, privacy={"min_group": 2}
    )
    seen: dict[str, str] = {}

    def record(sql: str) -> None:
        seen.setdefault(normalised(sql), sql)

    await world.app.services.db.trace(record)
    try:
        await world.say("lee", "/rules", lead=True)
        await world.say("lee", "/schedule checkin daily 09:00", lead=True)
        await world.say("lee", "/schedule summary weekly mon 10:00", lead=True)
        await world.say("lee", "/community alerts on", lead=True)
        for who in ("ana", "bo", "cy"):
            await world.say(who, "/consent yes")
            await world.say(who, "/rules agree")
            await world.say(who, '/milestone add "sober" 2025-03-01')
            await world.say(who, "/remind daily 20:00")
        for day in range(9):
            await world.advance(START + timedelta(days=day, hours=1))
            for who in ("ana", "bo", "cy"):
                await world.say(who, f"/checkin {2 + day % 3} tired a few words")
            await world.say("ana", "/mood show")
            await world.say("bo", "/milestone list")
            await world.say("cy", "/resources sleep")
        await world.say("lee", "/summary", lead=True)
        await world.say("ana", "/mydata")
        await world.say("bo", "/support lead")
        await world.say("cy", "/forgetme confirm")
        await world.advance(START + timedelta(days=12))
    finally:
        await world.app.services.db.trace(None)
        await world.app.close()

    scans: list[str] = []
    with sqlite3.connect(world.database) as conn:
        for sql in seen.values():
            if not re.match(r"\s*(SELECT|UPDATE|DELETE|INSERT|WITH)\b", sql, re.IGNORECASE):
                continue
            try:
                plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
            except sqlite3.Error:
                continue  # e.g. a RETURNING form the explain cannot take as traced
            for *_, detail in plan:
                match = SCAN.search(detail)
                allowed = any(re.search(p, normalised(sql)) for p in ALLOWED)
                if match and match.group(1) in LARGE and not allowed:
                    scans.append(f"{detail}\n    {sql[:300]}")
    assert len(seen) > 40  # the day did run the statements it is meant to check
    assert not scans, "full scans:\n" + "\n".join(scans)
