"""Streaks and community counts kept as running figures agree with the history they stand for:
after every check-in (several a day, gaps, a changed time zone, check-ins sharing a commit)
the stored streak equals the one counted afresh from all of the member's check-ins."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import simulated
from shared import Databases

from bot.core.messages import Actor, Place, Request
from bot.domain.streaks import current_streak, local_date, longest_streak

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
GROUP = Place(simulated.PLATFORM, "g1", is_direct=False, community_id="g1", title="Calm Corner")


@pytest.fixture
async def world(database: Databases):
    w = await simulated.open_world(
        database("r.db"), START, GROUP, limits={"commands_per_minute": 0}
    )
    yield w
    await w.app.close()


def from_history(world: simulated.World, who: str, zone: str) -> tuple[int, int]:
    tz = ZoneInfo(zone)
    rows = world.rows(
        "SELECT c.at FROM checkins c JOIN members m ON m.id = c.member_id WHERE m.user_id = ?",
        (who,),
    )
    days = [local_date(datetime.fromisoformat(at), tz) for (at,) in rows]
    return current_streak(days, local_date(world.clock.now(), tz)), longest_streak(days)


async def stored(world: simulated.World, who: str, zone: str) -> tuple[int, int]:
    ((member_id,),) = world.rows("SELECT id FROM members WHERE user_id = ?", (who,))
    streak = await world.app.services.checkins.streak(member_id, world.clock.now(), ZoneInfo(zone))
    return streak.current, streak.longest


async def test_stored_streaks_match_the_history(world: simulated.World) -> None:
    rng = random.Random(7)
    await world.say("ana", "/consent yes")
    zone = "UTC"
    for step in range(150):
        world.clock.advance(timedelta(hours=rng.choice([1, 3, 7, 20, 26, 30, 49, 80])))
        if step == 60:
            zone = "Pacific/Auckland"  # 13 hours ahead: the days shift, the streak is rebuilt
            await world.say("ana", f"/settings timezone {zone}")
        if step == 110:
            zone = "America/Los_Angeles"
            await world.say("ana", f"/settings timezone {zone}")
        answer = await world.say("ana", "/checkin 3")
        assert "Recorded privately" in answer
        assert await stored(world, "ana", zone) == from_history(world, "ana", zone), step
    world.clock.advance(timedelta(days=3))  # broken by now
    assert (await stored(world, "ana", zone))[0] == 0 == from_history(world, "ana", zone)[0]


async def test_checkins_sharing_a_commit_count_once_each(world: simulated.World) -> None:
    who = [f"m{i}" for i in range(30)]
    for name in who:
        await world.say(name, "/consent yes")
        await world.say(name, "/rules", place=GROUP)  # a member of the group
    for day in range(5):
        world.clock.set(START + timedelta(days=day, hours=2))
        requests = [
            Request("checkin", "4", Actor(simulated.PLATFORM, name, name), GROUP, world.clock.now())
            for name in who
            for _ in range(2)  # twice each, at once
        ]
        replies = await asyncio.gather(*(world.app.handle(r) for r in requests))
        assert all("Recorded" in r[0].text for r in replies)
    for name in who:
        assert await stored(world, name, "UTC") == (5, 5) == from_history(world, name, "UTC")
    ((total,),) = world.rows("SELECT SUM(checkins) FROM checkin_counts")
    assert total == 30 * 2 * 5 == world.rows("SELECT COUNT(*) FROM checkins")[0][0]
    assert world.app.services.db.batches < 30 * 2 * 5  # the check-ins shared commits
