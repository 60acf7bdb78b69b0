"""Schedules on the simulated clock: exactly once, across daylight saving and restarts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import simulated
from shared import Databases, connect
from simulated import World

from bot.core.messages import Actor, Place, Reply, Request, Via
from bot.delivery.errors import Transient, Unreachable
from bot.storage.outbox import BULK, OutboxItem

PLATFORM = simulated.PLATFORM
GROUP = Place(PLATFORM, "g1", is_direct=False, community_id="g1", title="Group One")
BERLIN = ZoneInfo("Europe/Berlin")


async def open_world(database: Path, start: datetime, **settings: object) -> World:
    return await simulated.open_world(database, start, GROUP, **settings)


@pytest.fixture
async def world(database: Databases) -> AsyncIterator[World]:
    w = await open_world(database("t.db"), datetime(2026, 10, 19, 6, 0, tzinfo=UTC))
    yield w
    await w.app.close()


def posts(world: World) -> list[datetime]:
    return [at for at, reply in world.recorder.sent if isinstance(reply.to, Place)]


async def test_weekdays_across_the_october_change_in_berlin(world: World) -> None:
    await world.say("lee", "/community timezone Europe/Berlin", lead=True)
    answer = await world.say("lee", "/schedule checkin weekdays 18:30", lead=True)
    assert "Schedule #1" in answer and "Europe/Berlin" in answer
    await world.advance(datetime(2026, 11, 2, 6, 0, tzinfo=UTC))  # two weeks, change on 25 Oct
    local = [t.astimezone(BERLIN) for t in posts(world)]
    assert len(local) == 10
    assert all((t.hour, t.minute) == (18, 30) and t.weekday() < 5 for t in local)
    week1 = [t for t in local if t.date() < datetime(2026, 10, 26).date()]
    assert len(week1) == 5 and len(local) - len(week1) == 5
    assert {t.utcoffset() for t in local} == {timedelta(hours=2), timedelta(hours=1)}
    prompt = world.recorder.sent[0][1]
    assert len([b for row in prompt.buttons for b in row]) == 5


async def test_down_before_a_firing_sends_it_once_at_start(database: Databases) -> None:
    db = database("down.db")
    first = await open_world(db, datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    await first.say("lee", "/schedule checkin daily 09:00", lead=True)
    await first.advance(datetime(2026, 3, 2, 8, 55, tzinfo=UTC))
    await first.app.close()  # down from 08:55 ...

    second = await open_world(db, datetime(2026, 3, 2, 9, 30, tzinfo=UTC))  # ... to 09:30
    try:
        assert len(posts(second)) == 1
        await second.advance(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
        assert len(posts(second)) == 1  # nothing again before tomorrow
    finally:
        await second.app.close()


async def test_down_past_the_grace_window_skips_with_a_log_line(
    database: Databases, caplog: pytest.LogCaptureFixture
) -> None:
    db = database("long.db")
    first = await open_world(db, datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    await first.say("lee", "/schedule checkin daily 09:00", lead=True)
    await first.advance(datetime(2026, 3, 2, 8, 55, tzinfo=UTC))
    await first.app.close()
    with caplog.at_level(logging.WARNING):
        second = await open_world(db, datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    try:
        assert posts(second) == []
        assert any("1 schedule(s) missed firings" in r.getMessage() for r in caplog.records)
        await second.advance(datetime(2026, 3, 3, 9, 1, tzinfo=UTC))
        assert len(posts(second)) == 1  # the next day's firing is normal
    finally:
        await second.app.close()


async def test_many_missed_firings_send_at_most_one(database: Databases) -> None:
    db = database("many.db")
    first = await open_world(db, datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    await first.say("lee", "/schedule rules daily 09:00", lead=True)
    await first.app.close()
    second = await open_world(db, datetime(2026, 3, 9, 9, 20, tzinfo=UTC))  # a week later
    try:
        assert len(posts(second)) == 1
        assert "ground rules" in second.recorder.sent[0][1].text
    finally:
        await second.app.close()


async def test_a_restart_mid_fan_out_sends_the_rest_once(database: Databases) -> None:
    db = database("fan.db")
    first = await open_world(db, datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    members = [Actor(PLATFORM, f"m{i}", f"Member {i}") for i in range(100)]
    await first.app.outbox.enqueue(
        [
            OutboxItem(f"fan:{a.user_id}", Reply("How are you today?", to=a), None, BULK)
            for a in members
        ]
    )
    first.app.outbox.concurrency = 10
    crash_after = 35
    gate = asyncio.Event()
    real_send = first.recorder.send

    async def send_then_crash(reply: Reply, *, attempt=None) -> None:  # type: ignore[no-untyped-def]
        if len(first.recorder.sent) >= crash_after:
            gate.set()
            await attempt()  # the request goes out ...
            await asyncio.sleep(3600)  # ... and is stuck in flight when the process dies
        await real_send(reply, attempt=attempt)

    first.recorder.send = send_then_crash  # type: ignore[method-assign]
    first.app.outbox.register(PLATFORM, send_then_crash)
    draining = asyncio.create_task(first.app.outbox.drain(PLATFORM))
    await gate.wait()
    draining.cancel()  # the crash
    await asyncio.gather(draining, return_exceptions=True)
    await first.app.services.db.close()
    delivered_before = [r.to.user_id for _, r in first.recorder.sent]  # type: ignore[union-attr]

    second = await open_world(db, datetime(2026, 3, 2, 8, 5, tzinfo=UTC))
    try:
        await second.app.outbox.start()  # settles what was mid-send, then sends the rest
        await asyncio.sleep(0.2)
        await second.app.outbox.drain(PLATFORM)
        delivered_after = [r.to.user_id for _, r in second.recorder.sent]  # type: ignore[union-attr]
        everyone = delivered_before + delivered_after
        dupes = sorted({u for u in everyone if everyone.count(u) > 1})
        assert not dupes, (dupes, delivered_before, delivered_after)  # nobody twice
        states = await second.app.outbox.repo.states(PLATFORM)
        assert states.get("pending", 0) == 0 and states.get("sending", 0) == 0
        assert states["sent"] + states.get("skipped", 0) == 100  # every row is settled
        # Only what was in flight when the process died is skipped (at most once: it may have
        # been shown); rows claimed but never tried were sent after the restart; every other
        # member got the message, exactly once.
        with connect(db) as conn:
            skipped = {
                row[0].removeprefix("fan:")
                for row in conn.execute("SELECT key FROM outbox WHERE state = 'skipped'")
            }
        assert len(skipped) <= 10  # at most the sends under way (concurrency 10)
        assert {a.user_id for a in members} - set(everyone) <= skipped
    finally:
        await second.app.close()


async def test_schedule_validation(world: World) -> None:
    cases = {
        "/schedule checkin daily 25:99": "hour",
        "/schedule checkin funday 09:00": "",
        "/schedule checkin */30 * * * *": "at most once an hour",
        "/schedule rules": "missing",
    }
    for line, reason in cases.items():
        answer = await world.say("lee", line, lead=True)
        assert "Usage: /schedule" in answer, (line, answer)
        assert reason.casefold() in answer.casefold(), (line, answer)
    refused = await world.say("kim", "/schedule checkin daily 09:00")
    assert "is for group leads" in refused
    zone = await world.say("lee", "/schedule checkin daily 09:00 Mars/Base Hello", lead=True)
    assert "Schedule #1" in zone  # an unknown zone word is part of the note, not an error
    for _ in range(19):
        await world.say("lee", "/schedule rules weekly mon 10:00", lead=True)
    over = await world.say("lee", "/schedule rules weekly mon 10:00", lead=True)
    assert "at most 20" in over
    with connect(world.database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM schedules").fetchone() == (20,)


async def test_zone_given_in_the_command(world: World) -> None:
    answer = await world.say("lee", "/schedule checkin daily 09:00 America/New_York Hi", lead=True)
    assert "America/New_York" in answer
    await world.advance(datetime(2026, 10, 21, 6, 0, tzinfo=UTC))
    local = [t.astimezone(ZoneInfo("America/New_York")) for t in posts(world)]
    assert local and all((t.hour, t.minute) == (9, 0) for t in local)
    assert world.recorder.sent[0][1].text == "Hi"


async def test_rule_reminder_reads_rules_at_firing_time(world: World) -> None:
    await world.say("lee", "/schedule rules daily 12:00", lead=True)
    await world.say("lee", "/rules add Added after scheduling", lead=True)
    await world.advance(datetime(2026, 10, 19, 12, 30, tzinfo=UTC))
    ((_, reply),) = world.recorder.sent
    assert "Added after scheduling" in reply.text and not reply.private


async def test_prompt_press_records_privately(world: World) -> None:
    await world.say("lee", "/schedule checkin daily 09:00", lead=True)
    await world.advance(datetime(2026, 10, 19, 9, 1, tzinfo=UTC))
    prompt = world.recorder.sent[0][1]
    action = next(b.action for row in prompt.buttons for b in row if b.action.endswith("4"))
    await world.say("kim", "/consent yes", place=Place(PLATFORM, "kim", is_direct=True))
    name, _, text = action.partition(" ")
    request = Request(
        name, text, Actor(PLATFORM, "kim", "Kim"), GROUP, world.clock.now(), Via.BUTTON
    )
    (reply,) = await world.app.handle(request)
    assert reply.private and "Recorded privately" in reply.text
    assert "Kim" not in prompt.text


async def test_member_reminders_skip_days_with_a_checkin_and_pauses(world: World) -> None:
    dm = Place(PLATFORM, "kim", is_direct=True)
    assert "consent is recorded" in await world.say("kim", "/consent yes", place=dm)
    answer = await world.say("kim", "/remind daily 21:00", place=dm)
    assert "nudge you privately" in answer
    await world.advance(datetime(2026, 10, 19, 21, 30, tzinfo=UTC))
    assert len(world.recorder.sent) == 1 and world.recorder.sent[0][1].private
    await world.say("kim", "/checkin 4", place=dm)  # Tuesday 21:30 UTC... checked in on Monday
    await world.advance(datetime(2026, 10, 20, 12, 0, tzinfo=UTC))
    await world.say("kim", "/checkin 3", place=dm)  # checked in on Tuesday before 21:00
    await world.advance(datetime(2026, 10, 20, 21, 30, tzinfo=UTC))
    assert len(world.recorder.sent) == 1  # no nudge on a day with a check-in
    assert "paused" in await world.say("kim", "/pause 3d", place=dm)
    await world.advance(datetime(2026, 10, 23, 12, 0, tzinfo=UTC))
    assert len(world.recorder.sent) == 1  # paused
    await world.advance(datetime(2026, 10, 24, 21, 30, tzinfo=UTC))
    assert len(world.recorder.sent) == 2  # pause over
    assert "off" in await world.say("kim", "/remind off", place=dm)


async def test_unreachable_member_is_marked_and_skipped(world: World) -> None:
    dm = Place(PLATFORM, "bob", is_direct=True)
    await world.say("bob", "/consent yes", place=dm)
    assert "nudge you privately" in await world.say("bob", "/remind daily 21:00", place=dm)
    world.recorder.fail["bob"] = Unreachable("blocked")
    await world.advance(datetime(2026, 10, 19, 21, 30, tzinfo=UTC))
    await world.advance(datetime(2026, 10, 20, 21, 30, tzinfo=UTC))
    with connect(world.database) as conn:
        states = conn.execute("SELECT state FROM outbox ORDER BY id").fetchall()
        marked = conn.execute(
            "SELECT unreachable_at IS NOT NULL FROM members WHERE user_id = 'bob'"
        ).fetchone()
    assert states == [("skipped",)]  # tried once, then not queued again
    assert marked == (1,)


async def test_transient_failures_are_retried_with_backoff(world: World) -> None:
    await world.say("lee", "/schedule checkin daily 09:00", lead=True)
    world.recorder.fail["g1"] = Transient("502 Bad Gateway")
    await world.advance(datetime(2026, 10, 19, 9, 0, 30, tzinfo=UTC))
    assert world.recorder.sent == []
    del world.recorder.fail["g1"]
    await world.advance(datetime(2026, 10, 19, 9, 10, tzinfo=UTC))
    await world.app.outbox.drain(PLATFORM)
    with connect(world.database) as conn:
        # failed at 09:00, failed again at the first retry (09:00:30), sent at the next one
        assert conn.execute("SELECT state, attempts FROM outbox").fetchall() == [("sent", 3)]
    assert len(world.recorder.sent) == 1


async def test_scheduled_summary_carries_its_chart_through_the_outbox(world: World) -> None:
    for n in range(5):
        who = f"m{n}"
        await world.say(who, "/consent yes", place=Place(PLATFORM, who, is_direct=True))
        await world.say(who, f"/checkin {1 + n}")  # in the group, in the week of 19 Oct
    assert "privately" in await world.say("lee", "/schedule summary weekly mon 09:00", lead=True)
    await world.advance(datetime(2026, 10, 26, 9, 30, tzinfo=UTC))
    (_, before), (_, reply) = world.recorder.sent  # Mondays 19 and 26 Oct
    assert before.attachment is None  # the weeks before 19 Oct had no check-ins
    assert reply.private and isinstance(reply.to, Actor) and reply.to.user_id == "lee"
    assert "Week of 19 Oct: 5 members, 5 check-ins, average 3.0" in reply.text
    assert reply.attachment is not None
    assert reply.attachment.name == "community-mood-2026-10-19.png"
    assert reply.attachment.data.startswith(b"\x89PNG\r\n\x1a\n")
    with connect(world.database) as db:  # the bytes do not outlive the sending
        rows = db.execute("SELECT state, attachment FROM outbox").fetchall()
        assert rows and all(row == ("sent", None) for row in rows)


async def test_scheduled_summary_below_the_threshold_is_text_only(world: World) -> None:
    for n in range(4):
        who = f"m{n}"
        await world.say(who, "/consent yes", place=Place(PLATFORM, who, is_direct=True))
        await world.say(who, "/checkin 4")
    await world.say("lee", "/schedule summary weekly mon 09:00", lead=True)
    await world.advance(datetime(2026, 10, 26, 9, 30, tzinfo=UTC))
    _, (_, reply) = world.recorder.sent
    assert "Week of 19 Oct: fewer than 5 members" in reply.text
    assert reply.attachment is None and "No chart this time" in reply.text


async def wait_until(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_real_time_plans_one_firing_per_schedule_and_replans_only_the_changed(
    world: World,
) -> None:
    runner = world.app.schedules
    await world.say("lee", "/schedule checkin daily 09:00", lead=True)
    await world.say("lee", "/schedule rules weekly mon 10:00", lead=True)
    for who in ("ana", "bo"):
        await world.say(who, "/consent yes")
        await world.say(who, "/remind daily 20:00")
    await runner.start_realtime()
    try:
        assert runner.planned == 4
        planned = dict(runner._next)
        world.clock.set(datetime(2026, 10, 19, 9, 0, tzinfo=UTC))
        runner.poke()
        await wait_until(lambda: len(world.rows("SELECT * FROM firings")) == 1)
        await world.app.outbox.drain(PLATFORM)
        assert len(posts(world)) == 1
        assert runner._next[1] == datetime(2026, 10, 20, 9, 0, tzinfo=UTC)  # tomorrow's only
        assert {k: v for k, v in runner._next.items() if k != 1} == {
            k: v for k, v in planned.items() if k != 1
        }

        await world.say("lee", "/schedule pause 2", lead=True)
        await wait_until(lambda: runner.planned == 3)
        assert 2 not in runner._next and runner._next[3] == planned[3]
        await world.say("lee", "/schedule resume 2", lead=True)
        await wait_until(lambda: runner.planned == 4)
        assert runner._next[2] == planned[2]

        # A fire time already passed (the machine slept past the grace window) is skipped.
        world.clock.set(datetime(2026, 10, 19, 23, 0, tzinfo=UTC))  # 20:00 + 3 h
        runner.poke()
        await wait_until(lambda: runner._next.get(3, datetime.max.replace(tzinfo=UTC)).day == 20)
        assert len(world.rows("SELECT * FROM firings")) == 1
    finally:
        await runner.stop()


async def test_a_year_of_missed_firings_costs_one_look_each(database: Databases) -> None:
    db = database("year.db")
    first = await open_world(db, datetime(2025, 3, 2, 8, 0, tzinfo=UTC))
    for n in range(50):
        await first.say(f"m{n}", "/consent yes")
        await first.say(f"m{n}", f"/remind daily {n % 24:02d}:30")
    await first.app.close()
    calls = 0
    second = await open_world(db, datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # a year later
    try:
        real = second.app.services.schedules.trigger

        def counting(row):  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            return real(row)

        second.app.services.schedules.trigger = counting  # type: ignore[method-assign]
        # At start, the two reminders at 07:30 (within the hour of grace) went out, once each.
        assert len(second.recorder.sent) == 2
        assert await second.app.services.schedules.missed(second.clock.now()) == []
        assert calls <= 3 * 50  # a few trigger looks per schedule, not one per missed day
    finally:
        await second.app.close()


async def test_a_schedule_made_in_a_topic_posts_in_that_topic(database: Databases) -> None:
    """The topic travels with the schedule into the outbox and back out (Telegram forums)."""
    from datetime import UTC, datetime

    from bot.app import build
    from bot.settings import Settings
    from bot.storage.outbox import _decode, _encode_target, _payload
    from bot.storage.schedules import NewSchedule
    from commands.schedule import firing_items

    app = build(Settings(bot={"database": database("t.db")}))
    await app.start()
    try:
        row = await app.services.schedules.create(
            NewSchedule("checkin", "telegram", "-1009", "daily 09:00", "UTC", thread_id="7")
        )
        [item] = await firing_items(app.services, row, datetime(2026, 1, 5, 9, tzinfo=UTC))
        assert item.reply.to.thread_id == "7"
        back = _decode("telegram", _encode_target(item.reply.to), _payload(item), (None,) * 3)
        assert back.to.thread_id == "7" and back.to.chat_id == "-1009"
    finally:
        await app.close()
