"""Consent, export, erasure, retention, anonymous summaries, lead alerts and cooldowns."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from shared import Databases, connect, query

from bot.app import App, build
from bot.core.clock import SimulatedClock
from bot.core.cooldown import NOTICE
from bot.core.messages import Actor, Place, Reply, Request, Via
from bot.delivery.errors import Unreachable
from bot.settings import Settings
from bot.storage.database import stamp
from bot.storage.privacy import MEMBER_REFERENCES, MEMBER_TABLES

PLATFORM = "test"
GROUP = Place(PLATFORM, "g1", is_direct=False, community_id="g1", title="Calm Corner")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class World:
    app: App
    clock: SimulatedClock
    database: Path | str

    async def run(
        self,
        who: str,
        line: str,
        *,
        lead: bool = False,
        place: Place = GROUP,
        via: Via = Via.COMMAND,
    ) -> list[Reply]:
        name, _, text = line.lstrip("/").partition(" ")
        request = Request(
            name,
            text,
            Actor(PLATFORM, who, who.title()),
            place,
            self.clock.now(),
            via,
            is_lead=lead,
        )
        return await self.app.handle(request)

    async def say(self, who: str, line: str, **kwargs: object) -> str:
        return "\n".join(r.text for r in await self.run(who, line, **kwargs))  # type: ignore[arg-type]

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        return query(self.database, sql, params)


@pytest.fixture
async def world(database: Databases) -> AsyncIterator[World]:
    clock = SimulatedClock(START)
    app = build(Settings(bot={"database": database("p.db")}), clock=clock, rng=random.Random(3))
    await app.start()
    yield World(app, clock, database("p.db"))
    await app.close()


async def test_nothing_is_stored_before_consent(world: World) -> None:
    (ask,) = await world.run("kim", "/checkin 4 tired a private note")
    labels = [b.label for row in ask.buttons for b in row]
    assert ask.private and labels == ["I agree", "No thanks"]
    assert "What:" in ask.text and "/forgetme" in ask.text
    assert "Usage" not in await world.say("kim", '/milestone add "sober" 2026-01-01')
    assert world.rows("SELECT COUNT(*) FROM checkins") == [(0,)]
    assert world.rows("SELECT COUNT(*) FROM milestones") == [(0,)]
    refused = await world.say("kim", "/consent no")
    assert "nothing was stored" in refused
    given = await world.run("kim", "/consent yes", via=Via.BUTTON)
    assert "recorded" in given[0].text and given[0].buttons  # mood buttons follow
    assert "Recorded privately" in await world.say("kim", "/checkin 4 tired a private note")
    assert world.rows("SELECT mood, note FROM checkins") == [(4, "a private note")]


async def test_withdrawing_stops_new_checkins_and_offers_erasure(world: World) -> None:
    await world.say("kim", "/consent yes")
    await world.say("kim", "/checkin 3")
    (withdrawn,) = await world.run("kim", "/consent no")
    assert [b.action for row in withdrawn.buttons for b in row] == ["forgetme"]
    assert "Before I keep" in await world.say("kim", "/checkin 5")
    assert world.rows("SELECT mood FROM checkins") == [(3,)]


async def test_privacy_and_mydata_show_only_the_member_themselves(world: World) -> None:
    for who in ("kim", "lee"):
        await world.say(who, "/consent yes")
        await world.say(who, f"/checkin 4 tired note of {who}")
    shown = await world.say("kim", "/privacy")
    assert "check-ins: 1 (with a note: 1)" in shown and "consent: given" in shown
    (reply,) = await world.run("kim", "/mydata")  # typed in a group: still private
    assert reply.private and reply.attachment is not None
    data = json.loads(reply.attachment.data)
    assert [c["note"] for c in data["checkins"]] == ["note of kim"]
    assert data["members"][0]["user_id"] == "kim"
    assert "note of lee" not in reply.attachment.data.decode()


async def test_forgetme_erases_every_row_about_the_member(world: World) -> None:
    await world.say("kim", "/consent yes")
    await world.say("kim", "/checkin 4 tired a note")
    await world.say("kim", '/milestone add "sober" 2026-01-01')
    await world.say("kim", "/remind daily 21:00")
    await world.say("kim", "/settings timezone Europe/Berlin")
    await world.say("kim", "/rules agree")
    await world.say("lee", "/community alerts on", lead=True)
    await world.say("lee", '/resources add sleep https://example.org/s "Sleep" x', lead=True)
    await world.say("lee", "/consent yes")
    (ask,) = await world.run("kim", "/forgetme")
    assert "Are you sure" in ask.text and world.rows("SELECT COUNT(*) FROM checkins") == [(1,)]
    done = await world.say("kim", "/forgetme confirm", via=Via.BUTTON)
    assert "erased" in done
    assert world.rows("SELECT id FROM members WHERE user_id = 'kim'") == []
    for table, (column, _) in MEMBER_TABLES.items():
        if table != "members":
            assert world.rows(
                f"SELECT COUNT(*) FROM {table} WHERE {column} NOT IN (SELECT id FROM members)"
            ) == [(0,)], table
    # the lead's data is untouched
    assert world.rows("SELECT COUNT(*) FROM consents") == [(1,)]


async def test_every_table_about_members_is_covered_by_export_and_erase(world: World) -> None:
    """A new table with a member column must be added to MEMBER_TABLES or MEMBER_REFERENCES,
    or /mydata and /forgetme would silently forget it."""
    covered = {(t, c) for t, (c, _) in MEMBER_TABLES.items()}
    covered |= set(MEMBER_REFERENCES.items())
    found = set()
    if world.app.services.db.dialect == "postgresql":  # its own schema file: checked too
        found = set(
            world.rows(
                "SELECT tc.table_name, kcu.column_name "
                "FROM information_schema.table_constraints tc "
                "JOIN information_schema.key_column_usage kcu "
                "ON kcu.constraint_name = tc.constraint_name "
                "JOIN information_schema.constraint_column_usage ccu "
                "ON ccu.constraint_name = tc.constraint_name "
                "WHERE tc.constraint_type = 'FOREIGN KEY' AND ccu.table_name = 'members'"
            )
        )
    else:
        with connect(world.database) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%'"
                )
            ]
            for table in tables:
                for fk in conn.execute(f"PRAGMA foreign_key_list({table})"):
                    if fk[2] == "members":
                        found.add((table, fk[3]))
    assert found, "the check must find the references it checks"
    assert found <= covered, found - covered


async def test_retention_purges_old_notes_and_checkins(world: World) -> None:
    await world.say("kim", "/consent yes")
    await world.say("kim", "/checkin 2 an old note")
    world.clock.advance(timedelta(days=31))
    await world.say("kim", "/checkin 3 a recent note")
    await world.app.services.privacy.purge(world.clock.now())
    assert world.rows("SELECT mood, note FROM checkins ORDER BY at") == [
        (2, None),
        (3, "a recent note"),
    ]
    world.clock.advance(timedelta(days=340))
    await world.app.services.privacy.purge(world.clock.now())
    assert world.rows("SELECT mood FROM checkins") == [(3,)]


async def test_retention_works_in_small_transactions(world: World) -> None:
    await world.say("kim", "/consent yes")
    ((member_id,),) = world.rows("SELECT id FROM members WHERE user_id = 'kim'")
    old = world.clock.now() - timedelta(days=400)
    with connect(world.database) as conn:
        conn.executemany(
            "INSERT INTO checkins (member_id, mood, note, at) VALUES (?, 3, 'old', ?)",
            [(member_id, stamp(old + timedelta(minutes=i))) for i in range(5000)],
        )
        conn.executemany(
            "INSERT INTO inbound_updates (platform, update_id, seen_at) VALUES ('t', ?, ?)",
            [(str(i), stamp(world.clock.now() - timedelta(days=8))) for i in range(2500)],
        )
        conn.execute(
            "INSERT INTO inbound_updates (platform, update_id, seen_at) VALUES ('t', 'new', ?)",
            (stamp(world.clock.now()),),
        )
    await world.say("kim", "/checkin 4 today")
    batches = world.app.services.db.batches
    removed = await world.app.services.privacy.purge(world.clock.now())
    assert removed == (5000, 5000, 0, 2500, 0)
    assert world.app.services.db.batches - batches >= 3 + 3 + 2  # at most 2,000 rows each
    assert world.rows("SELECT mood, note FROM checkins") == [(4, "today")]
    assert world.rows("SELECT update_id FROM inbound_updates") == [("new",)]


async def test_summary_needs_five_members_and_shows_no_person(world: World) -> None:
    people = ["ana", "ben", "cai", "dee", "eli", "fay"]
    for who in people[:4]:
        await world.say(who, "/consent yes")
        await world.say(who, "/checkin 2")
    world.clock.advance(timedelta(days=7))
    few = await world.say("lee", "/summary", lead=True)
    assert "fewer than 5 members" in few and "average" not in few
    for who, mood in zip(people, [4, 4, 4, 5, 3, 2], strict=True):
        await world.say(who, "/consent yes")
        await world.say(who, f"/checkin {mood}")
    world.clock.advance(timedelta(days=7))
    enough = await world.say("lee", "/summary", lead=True)
    # Six members cannot fill three bands of five: the average alone.
    assert "6 members, 6 check-ins, average 3.7 (mood bands are shown when each" in enough
    assert "members by mood" not in enough
    assert not any(who.title() in enough or who in enough for who in people)
    assert "is for group leads" in await world.say("ana", "/summary")


async def test_a_week_where_everyone_shares_a_band_shows_no_mood(world: World) -> None:
    """Five members all at 1-2: an average of 1.4 would tell the lead each of them was low."""
    people = ["ana", "ben", "cai", "dee", "eli"]
    for who, mood in zip(people, [1, 2, 1, 2, 1], strict=True):
        await world.say(who, "/consent yes")
        await world.say(who, f"/checkin {mood}")
    world.clock.advance(timedelta(days=7))
    week = await world.say("lee", "/summary", lead=True)
    assert "5 members, 5 check-ins, moods not shown this week" in week
    assert "average" not in week and "1-2" not in week
    assert "No chart this time" in week


async def test_bands_only_when_each_holds_five_members_and_withdrawn_consent_uncounted(
    world: World,
) -> None:
    people = [f"m{n:02}" for n in range(16)]
    moods = [1] * 5 + [3] * 5 + [5] * 6
    for who, mood in zip(people, moods, strict=True):
        await world.say(who, "/consent yes")
        await world.say(who, f"/checkin {mood}")
    await world.say("m15", "/consent no")  # withdrawn: counted nowhere, even this week
    world.clock.advance(timedelta(days=7))
    week = await world.say("lee", "/summary", lead=True)
    assert "15 members, 15 check-ins, average 3.0 (members by mood 1-2: 5, 3: 5, 4-5: 5)" in week
    await world.say("m14", "/consent no")  # now 4-5 holds only four: bands are withheld
    week = await world.say("lee", "/summary", lead=True)
    assert "14 members, 14 check-ins, average 2.9 (mood bands are shown when each" in week


async def test_tell_a_lead_only_with_alerts_and_never_the_text(world: World) -> None:
    dm = Place(PLATFORM, "kim", is_direct=True)
    await world.say("kim", "/rules", place=GROUP)  # kim is seen in the group
    (crisis,) = await world.run("kim", "I want to die", place=dm, via=Via.TEXT)
    actions = [b.action for row in crisis.buttons for b in row]
    assert "support lead" not in actions and "support trust" in actions
    await world.say("lee", "/community alerts on", lead=True)
    (crisis,) = await world.run("kim", "I want to die", place=dm, via=Via.TEXT)
    assert "support lead" in [b.action for row in crisis.buttons for b in row]
    sent: list[Reply] = []
    unreachable: set[str] = set()

    async def send(reply: Reply, *, attempt=None) -> None:  # type: ignore[no-untyped-def]
        if attempt is not None:
            await attempt()
        if isinstance(reply.to, Actor) and reply.to.user_id in unreachable:
            raise Unreachable("direct messages closed")
        sent.append(reply)

    world.app.outbox.register(PLATFORM, send)
    (told,) = await world.run("kim", "/support lead", place=dm, via=Via.BUTTON)
    assert told.private and told.to is None and "only know that you asked" in told.text
    assert "I'll tell you here when it has reached them" in told.text
    await world.app.outbox.drain(PLATFORM)
    alert, report = sent
    assert isinstance(alert.to, Actor) and alert.to.user_id == "lee" and alert.private
    assert "Kim" in alert.text and "die" not in alert.text
    assert report.to == Actor(PLATFORM, "kim", "Kim") and "now knows" in report.text

    # Pressed again within ten minutes: no second alert, and the member is told why.
    (again,) = await world.run("kim", "/support lead", place=dm, via=Via.BUTTON)
    assert "won't send another alert" in again.text
    await world.app.outbox.drain(PLATFORM)
    assert len(sent) == 2

    # Later, with the lead's direct messages closed: the member is told it did not arrive.
    world.clock.advance(timedelta(minutes=11))
    unreachable.add("lee")
    (told,) = await world.run("kim", "/support lead", place=dm, via=Via.BUTTON)
    await world.app.outbox.drain(PLATFORM)
    (report,) = sent[2:]
    assert report.to.user_id == "kim" and "couldn't reach a lead" in report.text  # type: ignore[union-attr]


async def test_cooldown_gives_one_notice_then_silence_but_never_blocks_sos(
    world: World,
) -> None:
    answers = [await world.run("kim", "/help") for _ in range(33)]
    assert all(a and a[0].text != NOTICE for a in answers[:30])
    assert answers[30][0].text == NOTICE and answers[31] == [] and answers[32] == []
    (sos,) = await world.run("kim", "/sos")
    assert "You're not alone" in sos.text


@pytest.mark.parametrize(
    "note",
    [
        "a\x00b",
        "right\u202eleft",
        "lone \ud800 surrogate",
        "zero\u200bwidth",
        "'); DROP TABLE checkins;--",
        "<b>bold</b> @everyone *x* _y_",
        "x" * 999,
    ],
)
async def test_hostile_notes_are_stored_safely(world: World, note: str) -> None:
    await world.say("kim", "/consent yes")
    answer = await world.say("kim", f"/checkin 3 {note}")
    assert "Recorded privately" in answer
    (stored,) = world.rows("SELECT note FROM checkins")
    assert "\x00" not in stored[0] and "\u202e" not in stored[0] and "\ud800" not in stored[0]
    if world.app.services.db.dialect == "sqlite":
        assert world.rows("PRAGMA integrity_check") == [("ok",)]


async def test_huge_and_odd_moods_are_refused_and_nothing_stored(world: World) -> None:
    await world.say("kim", "/consent yes")
    for mood in ("0", "6", "NaN", "1e309", "4.5", "-1", "x" * 100_000):
        answer = await world.say("kim", f"/checkin {mood}")
        assert "Usage: /checkin" in answer and len(answer) < 500, mood
    assert "Usage" in await world.say("kim", "/checkin 3 " + "n" * 100_000)
    assert world.rows("SELECT COUNT(*) FROM checkins") == [(0,)]
    assert "3 (okay)" in await world.say("kim", "/checkin ５".replace("５", "３"))
