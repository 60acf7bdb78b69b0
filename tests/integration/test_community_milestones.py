"""Community milestones and join anniversaries on the simulated clock, through the real app."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import simulated
from shared import Databases, connect
from simulated import World

from bot.core.messages import Place, Reply, Via
from bot.domain.streaks import rebuilt
from bot.storage.database import stamp

PLATFORM = simulated.PLATFORM
GROUP = Place(PLATFORM, "g1", is_direct=False, community_id="g1", title="Calm Corner")
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday; the group comes to Haven now
MIN_GROUP = 3
MOOD = 4  # every seeded check-in has this mood: it must never show in a celebration


def seed(world: World, who: str, count: int, *, last: datetime, every: timedelta) -> None:
    """`count` check-ins of `who` in the group, the last at `last`, `every` apart, with the
    running figures those check-ins would have stored (counted in UTC days)."""
    ((member_id,),) = world.rows("SELECT id FROM members WHERE user_id = ?", (who,))
    ((community_id,),) = world.rows("SELECT id FROM communities WHERE key = 'g1'")
    with connect(world.database) as conn:
        conn.executemany(
            "INSERT INTO checkins (member_id, community_id, mood, tags, note, at) "
            "VALUES (?, ?, ?, 'tired', 'a private note', ?)",
            [(member_id, community_id, MOOD, stamp(last - i * every)) for i in range(count)],
        )
        conn.execute(
            "INSERT INTO checkin_counts (community_id, member_id, checkins) VALUES (?, ?, ?) "
            "ON CONFLICT (community_id, member_id) "
            "DO UPDATE SET checkins = checkin_counts.checkins + excluded.checkins",
            (community_id, member_id, count),
        )
        moments = conn.execute("SELECT at FROM checkins WHERE member_id = ?", (member_id,))
        days = [datetime.fromisoformat(at).astimezone(UTC).date() for (at,) in moments]
        streak = rebuilt(days, max(days))
        conn.execute("DELETE FROM member_streaks WHERE member_id = ?", (member_id,))
        conn.execute(
            "INSERT INTO member_streaks VALUES (?, 'UTC', ?, ?, ?, NULL)",
            (member_id, streak.last_day.isoformat(), streak.current, streak.longest),
        )


async def open_world(database: Path | str, start: datetime) -> World:
    return await simulated.open_world(
        database,
        start,
        GROUP,
        seed=2,
        privacy={"min_group": MIN_GROUP},
        limits={"commands_per_minute": 0},
    )


@pytest.fixture
async def world(database: Databases) -> AsyncIterator[World]:
    w = await open_world(database("c.db"), START)
    yield w
    await w.app.close()


async def members(world: World, *names: str) -> None:
    for who in names:
        assert "consent is recorded" in await world.say(who, "/consent yes")


def numbers(text: str) -> list[str]:
    return re.findall(r"\d[\d,]*", text)


def assert_no_mood(reply: Reply, *allowed: str) -> None:
    """The only number in a celebration is the milestone itself; no mood, no average."""
    assert numbers(reply.text) == list(allowed), reply.text
    lowered = reply.text.casefold()
    for word in ("mood", "average", "awful", "low", "okay", "good", "great", "tired", "note"):
        assert word not in lowered, reply.text


# -- total check-ins ------------------------------------------------------------------------


async def test_a_checkin_milestone_is_posted_once_in_the_group(world: World) -> None:
    await members(world, "kim", "lee", "max")
    for who in ("kim", "lee"):
        seed(world, who, 40, last=START, every=timedelta(hours=5))
    seed(world, "max", 19, last=START, every=timedelta(hours=5))
    assert "Recorded privately" in await world.say("max", f"/checkin {MOOD}")  # the 100th
    await world.advance(START + timedelta(hours=1))  # 09:00 UTC, the group's default zone
    (post,) = world.posts()
    assert post.to == Place(PLATFORM, "g1", False, "g1") and not post.private
    assert post.text == (
        "🎉 This community has shared 100 check-ins together. "
        "Thank you for showing up for yourselves and each other."
    )
    assert_no_mood(post, "100")
    assert post.idempotency_key == f"community:{_community_id(world)}:checkins:100"
    assert world.rows("SELECT key FROM community_celebrations") == [("checkins:100",)]

    await world.advance(START + timedelta(days=2))  # many more runs: nothing new
    assert len(world.posts()) == 1


async def test_a_quiet_spell_posts_only_the_highest_threshold(world: World) -> None:
    await members(world, "kim", "lee", "max")
    for who in ("kim", "lee", "max"):
        seed(world, who, 200, last=START, every=timedelta(hours=1))
    await world.advance(START + timedelta(hours=2))
    (post,) = world.posts()
    assert "shared 500 check-ins" in post.text
    assert_no_mood(post, "500")
    marked = {k for (k,) in world.rows("SELECT key FROM community_celebrations")}
    assert marked == {"checkins:100", "checkins:500"}


async def test_below_the_smallest_group_nothing_is_posted(world: World) -> None:
    await members(world, "kim", "lee", "max")
    seed(world, "kim", 80, last=START, every=timedelta(hours=1))
    seed(world, "lee", 30, last=START, every=timedelta(hours=1))
    # max consented but has not checked in; ned checked in, then withdrew: not counted
    await members(world, "ned")
    seed(world, "ned", 5, last=START, every=timedelta(hours=1))
    await world.say("ned", "/consent no")
    await world.advance(START + timedelta(days=1, hours=4))
    assert world.posts() == []
    assert world.rows("SELECT COUNT(*) FROM community_celebrations") == [(0,)]

    assert "Recorded privately" in await world.say("max", f"/checkin {MOOD}")  # a third member
    await world.advance(START + timedelta(days=1, hours=5))
    (post,) = world.posts()
    assert "shared 100 check-ins" in post.text


async def test_count_milestones_wait_for_daytime_in_the_group_time_zone(world: World) -> None:
    await world.say("lee", "/community timezone America/New_York", lead=True)
    await members(world, "kim", "lee", "max")
    late = datetime(2026, 3, 3, 2, 30, tzinfo=UTC)  # 21:30 in New York
    await world.advance(late)
    for who in ("kim", "lee", "max"):
        seed(world, who, 34, last=late, every=timedelta(hours=3))
    await world.advance(datetime(2026, 3, 3, 13, 30, tzinfo=UTC))  # 08:30 there: still night
    assert world.posts() == []
    await world.advance(datetime(2026, 3, 3, 14, 0, tzinfo=UTC))  # 09:00 there
    ((at, post),) = [(t, r) for t, r in world.recorder.sent if isinstance(r.to, Place)]
    assert at == datetime(2026, 3, 3, 14, 0, tzinfo=UTC) and "100 check-ins" in post.text


async def test_turned_off_by_a_lead_nothing_is_posted(world: World) -> None:
    await members(world, "kim", "lee", "max")
    answer = await world.say("lee", "/community celebrations off", lead=True)
    assert "Community celebrations are off" in answer
    assert "community celebrations: off" in await world.say("lee", "/community", lead=True)
    for who in ("kim", "lee", "max"):
        seed(world, who, 40, last=START, every=timedelta(days=1))  # 120 check-ins, 40-day streaks
    await world.advance(START + timedelta(days=1))
    assert world.posts() == []
    assert world.rows("SELECT COUNT(*) FROM community_celebrations") == [(0,)]

    await world.say("lee", "/community celebrations on", lead=True)
    await world.advance(START + timedelta(days=1, hours=2))
    texts = [p.text for p in world.posts()]
    assert len(texts) == 2
    assert any("shared 100 check-ins" in t for t in texts)
    assert any("100 days of check-in streaks" in t for t in texts)
    assert all(isinstance(p.to, Place) and p.to.chat_id == GROUP.chat_id for p in world.posts())


async def test_celebrations_go_to_the_channel_a_lead_turned_them_on_in(world: World) -> None:
    await members(world, "kim", "lee", "max")
    wins = Place(PLATFORM, "wins", is_direct=False, community_id="g1", title="Calm Corner")
    assert "posted here" in await world.say(
        "lee", "/community celebrations on", lead=True, place=wins
    )
    for who in ("kim", "lee", "max"):
        seed(world, who, 34, last=START, every=timedelta(hours=3))  # 102 check-ins
    await world.advance(START + timedelta(hours=2))
    (post,) = world.posts()
    assert "100 check-ins" in post.text
    assert isinstance(post.to, Place) and post.to.chat_id == "wins"


# -- combined streak days -------------------------------------------------------------------


async def test_combined_streak_days_count_each_members_current_streak(world: World) -> None:
    await members(world, "kim", "lee", "max", "ned")
    day = timedelta(days=1)
    # 34 + 33 + 33 current streak days = 100 (with 100 check-ins: both milestones)
    seed(world, "kim", 34, last=START, every=day)
    seed(world, "lee", 33, last=START - day, every=day)  # checked in yesterday: still running
    seed(world, "max", 33, last=START, every=day)
    seed(world, "ned", 20, last=START - 3 * day, every=day)  # broken streak: adds nothing
    await world.advance(START + timedelta(hours=1))
    texts = sorted(p.text for p in world.posts())
    assert texts[0].startswith("🌱 Together, members here have reached 100 days of check-in")
    assert "every fresh start" in texts[0]
    assert "shared 100 check-ins" in texts[1]
    for post in world.posts():
        assert_no_mood(post, "100")
    marked = {k for (k,) in world.rows("SELECT key FROM community_celebrations")}
    assert marked == {"checkins:100", "streakdays:100"}
    await world.advance(START + timedelta(hours=30))
    assert len(world.posts()) == 2


async def test_streak_days_need_the_smallest_group_with_a_streak(world: World) -> None:
    await members(world, "kim", "lee", "max")
    day = timedelta(days=1)
    seed(world, "kim", 60, last=START, every=day)
    seed(world, "lee", 60, last=START, every=day)
    seed(world, "max", 10, last=START - 5 * day, every=day)  # broken: two people streaking
    await world.advance(START + timedelta(hours=1))
    texts = [p.text for p in world.posts()]
    assert len(texts) == 1 and "shared 100 check-ins" in texts[0]  # 130 check-ins, 3 members


# -- anniversaries ----------------------------------------------------------------------------


async def _a_year_on(database: Path, start: datetime) -> World:
    """The same database, reopened at `start` (a simulated year is too long to step through)."""
    return await open_world(database("c.db"), start)


async def _first_day(database: Path) -> World:
    return await open_world(database("c.db"), START)


async def test_the_communitys_anniversary_on_its_day_from_nine(database: Databases) -> None:
    world = await _first_day(database)
    await world.say("lee", "/community timezone Europe/Berlin", lead=True)
    await world.app.close()

    later = await _a_year_on(database, datetime(2027, 3, 2, 6, 30, tzinfo=UTC))
    try:
        await later.advance(datetime(2027, 3, 2, 7, 30, tzinfo=UTC))  # 08:30 in Berlin
        assert later.posts() == []
        await later.advance(datetime(2027, 3, 2, 8, 0, tzinfo=UTC))  # 09:00 in Berlin
        (post,) = later.posts()
        assert post.text == (
            "🎂 Calm Corner has been on Haven for 1 year today. "
            "Thank you to everyone who makes this a kind place to be."
        )
        assert post.to.chat_id == "g1" and not post.private  # type: ignore[union-attr]
        await later.advance(datetime(2027, 3, 5, 12, 0, tzinfo=UTC))
        assert len(later.posts()) == 1
    finally:
        await later.app.close()

    # missed on its day (the bot was down): not replayed the day after, nor a year later
    for when in (datetime(2027, 3, 3, 9, 0, tzinfo=UTC), datetime(2028, 3, 3, 9, 0, tzinfo=UTC)):
        again = await _a_year_on(database, when)
        try:
            await again.advance(when + timedelta(hours=6))
            assert again.posts() == []
        finally:
            await again.app.close()


async def test_a_members_anniversary_is_private_unless_they_chose_public(
    database: Databases,
) -> None:
    world = await _first_day(database)
    await members(world, "kim", "lee", "yui")
    await world.say("lee", "/settings celebrate public")
    await world.say("yui", "/settings timezone Asia/Tokyo")  # joined 17:00 on 2 March there
    await world.say("ned", "/rules")  # seen in the group, never consented
    await world.app.close()

    later = await _a_year_on(database, datetime(2027, 3, 1, 23, 30, tzinfo=UTC))
    try:
        await later.advance(datetime(2027, 3, 2, 0, 0, tzinfo=UTC))  # 09:00 in Tokyo
        (yui,) = later.private_to("yui")
        assert yui.text == "🎉 Yui, one year ago today you joined Calm Corner. Glad you're here."
        await later.advance(datetime(2027, 3, 2, 8, 30, tzinfo=UTC))  # kim's day, before 09:00
        assert later.private_to("kim") == []
        await later.advance(datetime(2027, 3, 2, 9, 0, tzinfo=UTC))
        (kim,) = later.private_to("kim")
        assert kim.private and kim.text == (
            "🎉 Kim, one year ago today you joined Calm Corner. Glad you're here."
        )
        assert later.private_to("lee") == []
        lee = [p for p in later.posts() if "Lee" in p.text]
        assert len(lee) == 1 and not lee[0].private and lee[0].to.chat_id == "g1"  # type: ignore[union-attr]
        assert later.private_to("ned") == [] and not any("Ned" in p.text for p in later.posts())
        for reply in (kim, lee[0]):
            assert_no_mood(reply)
        keys = later.rows(
            "SELECT m.user_id, c.key FROM celebrations c JOIN members m ON m.id = c.member_id "
            "WHERE c.key LIKE 'joined:%' ORDER BY m.user_id"
        )
        community = _community_id(later)
        assert keys == [(who, f"joined:{community}:1") for who in ("kim", "lee", "yui")]
        assert kim.idempotency_key == f"celebration:{_member_id(later, 'kim')}:joined:{community}:1"
        await later.advance(datetime(2027, 3, 3, 12, 0, tzinfo=UTC))
        assert len(later.private_to("kim")) == 1
        assert len([p for p in later.posts() if "Lee" in p.text]) == 1

        # /forgetme erases the member's anniversary ledger with everything else
        await later.say("kim", "/forgetme confirm", via=Via.BUTTON)
        assert later.rows("SELECT COUNT(*) FROM celebrations WHERE key LIKE 'joined:%'") == [(2,)]
        assert later.rows("SELECT COUNT(*) FROM members WHERE user_id = 'kim'") == [(0,)]
    finally:
        await later.app.close()


async def test_with_celebrations_off_a_public_anniversary_goes_privately(
    database: Databases,
) -> None:
    world = await _first_day(database)
    await members(world, "lee")
    await world.say("lee", "/settings celebrate public")
    await world.say("sam", "/community celebrations off", lead=True)
    await world.app.close()

    later = await _a_year_on(database, datetime(2027, 3, 2, 8, 30, tzinfo=UTC))
    try:
        await later.advance(datetime(2027, 3, 2, 9, 0, tzinfo=UTC))
        (lee,) = later.private_to("lee")
        assert lee.private and "one year ago today you joined Calm Corner" in lee.text
        assert later.posts() == []  # no community anniversary and no public member post
    finally:
        await later.app.close()


def _community_id(world: World) -> int:
    ((community_id,),) = world.rows("SELECT id FROM communities WHERE key = 'g1'")
    return community_id


def _member_id(world: World, who: str) -> int:
    ((member_id,),) = world.rows("SELECT id FROM members WHERE user_id = ?", (who,))
    return member_id


# -- the lead's switch, in the console ------------------------------------------------------


def test_console_leads_turn_community_celebrations_off_and_members_cannot(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            "/community celebrations off",
            "/community",
            "/community celebrations maybe",
            ":as kim",
            "/community celebrations on",
        ]
    )
    (off,) = t.step("/community celebrations off").messages
    assert off.header == "@sam private"
    assert off.text.startswith("Community celebrations are off")
    shown = t.step("/community").text
    assert "• community celebrations: off" in shown
    assert "/community celebrations on|off" in shown
    bad = t.step("/community celebrations maybe").text
    assert bad == "State must be one of: on, off.\nUsage: /community celebrations <on|off>"
    (refused,) = t.step("/community celebrations on").messages
    assert refused.header == "@kim private"
    assert "is for group leads" in refused.text
    assert "Usage: /community celebrations" in refused.text
    assert t.query("SELECT celebrate FROM communities WHERE key = 'lounge'") == [(0,)]
