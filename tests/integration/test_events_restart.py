"""Reminders survive a restart in the middle of their fan-out: the process dies while the
outbox is sending a day-before reminder to 60 members; the next process runs the events job
again (the reminders are owed for hours) and sends the rest. Nobody is reminded twice, every
reminder is sent or accounted for (only those in flight at the crash are skipped, at most
once), and the hour-before reminders then go to all 60, once each. Also: a group's 51st event
to come is refused with nothing stored."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from shared import Databases, connect
from simulated import PLATFORM, open_world

from bot.core.messages import Actor, Place, Reply

GROUP = Place(PLATFORM, "lounge", is_direct=False, community_id="lounge", title="lounge")
MEMBERS = [f"m{i:02d}" for i in range(60)]
CONCURRENCY = 10


def reminded(sent: list[tuple[datetime, Reply]], words: str) -> list[str]:
    return [r.to.user_id for _, r in sent if isinstance(r.to, Actor) and words in r.text]


async def test_a_restart_mid_reminder_fan_out_reminds_nobody_twice(database: Databases) -> None:
    db = database("remind.db")
    first = await open_world(
        db, datetime(2026, 1, 5, 8, 0, tzinfo=UTC), GROUP, limits={"commands_per_minute": 0}
    )
    said = await first.say("lee", '/event add "Big circle" 2026-01-07 18:00 UTC circle', lead=True)
    assert "Event #1 is posted" in said
    for member in MEMBERS:
        assert "You're going" in await first.say(member, "/event rsvp 1 going")
    await first.app.outbox.drain(PLATFORM)
    first.recorder.sent.clear()
    first.app.outbox.concurrency = CONCURRENCY
    crash_after = 23
    gate = asyncio.Event()
    real_send = first.recorder.send

    async def send_then_crash(reply: Reply, *, attempt=None) -> None:  # type: ignore[no-untyped-def]
        if len(first.recorder.sent) >= crash_after:
            gate.set()
            await attempt()  # the request goes out ...
            await asyncio.sleep(3600)  # ... and is stuck in flight when the process dies
        await real_send(reply, attempt=attempt)

    first.app.outbox.register(PLATFORM, send_then_crash)
    draining = asyncio.create_task(first.advance(datetime(2026, 1, 6, 18, 0, tzinfo=UTC)))
    await asyncio.wait_for(gate.wait(), 30)
    draining.cancel()  # the crash, mid fan-out
    await asyncio.gather(draining, return_exceptions=True)
    await first.app.services.db.close()
    before = reminded(first.recorder.sent, "is tomorrow")
    assert crash_after <= len(before) < len(MEMBERS)

    second = await open_world(
        db, datetime(2026, 1, 6, 18, 5, tzinfo=UTC), GROUP, limits={"commands_per_minute": 0}
    )
    try:
        await second.app.outbox.start()  # settles what was mid-send
        await second.advance(datetime(2026, 1, 6, 18, 45, tzinfo=UTC))  # the job runs again
        await second.app.outbox.drain(PLATFORM)
        after = reminded(second.recorder.sent, "is tomorrow")
        everyone = Counter(before + after)
        assert [m for m, n in everyone.items() if n > 1] == []  # nobody twice
        with connect(db) as conn:
            skipped = {
                key.rsplit(":", 1)[1]
                for (key,) in conn.execute(
                    "SELECT key FROM outbox WHERE state = 'skipped' AND key LIKE '%remind:24h%'"
                )
            }
        assert len(skipped) <= CONCURRENCY  # only what was in flight
        member_ids = dict(
            connect(db).execute("SELECT CAST(id AS TEXT), user_id FROM members").fetchall()
        )
        missing = set(MEMBERS) - set(everyone)
        assert missing <= {member_ids[s] for s in skipped}  # each one accounted for
        states = await second.app.outbox.repo.states(PLATFORM)
        assert states.get("pending", 0) == 0 and states.get("sending", 0) == 0

        await second.advance(datetime(2026, 1, 7, 17, 30, tzinfo=UTC))
        hour = Counter(reminded(second.recorder.sent, "starts in an hour"))
        assert sorted(hour) == MEMBERS and set(hour.values()) == {1}
    finally:
        await second.app.close()


async def test_a_groups_fifty_first_event_is_refused(database: Databases) -> None:
    world = await open_world(
        database("many.db"),
        datetime(2026, 1, 5, 8, 0, tzinfo=UTC),
        GROUP,
        limits={"commands_per_minute": 0},
    )
    try:
        start = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
        for n in range(50):
            when = (start + timedelta(hours=n)).strftime("%Y-%m-%d %H:%M")
            said = await world.say("lee", f'/event add "Drop-in {n}" {when} UTC', lead=True)
            assert f"Event #{n + 1} is posted" in said
        over = await world.say("lee", '/event add "One more" 2026-03-01 10:00 UTC', lead=True)
        assert "at most 50 events to come" in over and "Usage: /event add" in over
        assert world.rows("SELECT COUNT(*) FROM events") == [(50,)]
        # Once one is cancelled, there is room again.
        await world.say("lee", "/event cancel 3", lead=True)
        again = await world.say("lee", '/event add "One more" 2026-03-01 10:00 UTC', lead=True)
        assert "Event #51 is posted" in again
    finally:
        await world.app.close()
