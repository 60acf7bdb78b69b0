"""Gatherings on Discord end to end (the real discord.py against the fake gateway and REST
API): a lead's /event add posts the event in the channel with its buttons (counts, never names),
pinned when asked, and tells the lead privately; a member's press on Going is answered
ephemerally and the post's counts change in place; a full event's waiting list moves up. With
Manage Events the event is also in Discord's own event list (a Guild Scheduled Event), moved
with /event edit and deleted with /event cancel; without it, everything else goes on."""

from __future__ import annotations

from datetime import datetime, timedelta

from fakes.discord_api import MANAGE_EVENTS, MANAGE_MESSAGES, FakeDiscord
from fakes.discord_slash import opt, sub
from fakes.haven_discord import ALICE, GENERAL, GUILD, KIM, LEAD, MEMBER_PERMISSIONS, Haven


async def answer(fake: FakeDiscord, interaction, count: int = 1):
    responses = await fake.wait_responses(interaction, count)
    return responses[count - 1]


def post_of(fake: FakeDiscord, title: str) -> list[dict]:
    return [m for m in fake.channel_messages(GENERAL) if title in m.get("content", "")]


async def test_an_event_post_and_rsvps_by_button(fake: FakeDiscord, haven: Haven) -> None:
    fake.add_member(GUILD, KIM, permissions=MEMBER_PERMISSIONS)  # a second member to wait
    fake.grant(GUILD, MANAGE_EVENTS | MANAGE_MESSAGES)
    # A 500 on creating the server's event and a 502 on the first change of the post: both
    # tried again, as sends are.
    fake.fail_next("POST", f"/guilds/{GUILD}/scheduled-events", 500, {"message": "x", "code": 0})
    fake.fail_next("PATCH", f"/channels/{GENERAL}/messages/", 502, {"message": "x", "code": 0})
    start = (haven.app.services.clock.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    when = start.strftime("%Y-%m-%d %H:%M") + " UTC workshop cap 1 pin"
    title = "Coping skills workshop"
    added = await fake.slash(
        LEAD, "event", sub("add", opt("title", title), opt("when", when)), guild_id=GUILD
    )
    told = await answer(fake, added)
    assert told.ephemeral and "Event #1 is posted" in told.content
    await fake.wait_for(lambda: len(post_of(fake, title)) == 1)
    (post,) = post_of(fake, title)
    assert "Going: 0 · Maybe: 0" in post["content"] and "lee" not in post["content"].casefold()
    buttons = [c for row in post["components"] for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Going", "Maybe", "Can't go"]
    going, cannot = buttons[0]["custom_id"], buttons[2]["custom_id"]
    await fake.wait_for(lambda: fake.pinned(GENERAL) == [post["id"]])
    await fake.wait_for(lambda: len(fake.scheduled_events(GUILD)) == 1)
    (listed,) = fake.scheduled_events(GUILD)
    made = [r.status for r in fake.requests_to("POST", f"/guilds/{GUILD}/scheduled-events")]
    assert made == [500, 200]  # the fault was met, and waited out
    assert listed["name"] == title and listed["entity_type"] == 3
    assert datetime.fromisoformat(listed["scheduled_start_time"]) == start
    assert datetime.fromisoformat(listed["scheduled_end_time"]) == start + timedelta(hours=1)

    def shown() -> str:
        return post_of(fake, title)[0]["content"]

    pressed = await answer(fake, await fake.press(ALICE, going, post, guild_id=GUILD))
    assert pressed.ephemeral and "You're going to Coping skills workshop" in pressed.content
    await fake.wait_for(lambda: "Going: 1 · Maybe: 0" in shown())
    waiting = await answer(fake, await fake.press(KIM, going, post, guild_id=GUILD))
    assert waiting.ephemeral and "waiting list" in waiting.content
    await fake.wait_for(lambda: "Waiting: 1" in shown())
    await answer(fake, await fake.press(ALICE, cannot, post, guild_id=GUILD))
    await fake.wait_for(
        lambda: any("A place opened up" in m.get("content", "") for m in fake.dm_messages(KIM)),
        timeout=10,
    )
    await fake.wait_for(lambda: "Waiting" not in shown() and "Going: 1" in shown())
    assert len(post_of(fake, title)) == 1  # changed in place, never posted again
    changes = [r.status for r in fake.requests_to("PATCH", f"/channels/{GENERAL}/messages/")]
    assert changes[:2] == [502, 200]
    assert "kim" not in shown().casefold() and "alice" not in shown().casefold()

    later = start + timedelta(days=1, hours=2)
    moved = await fake.slash(
        LEAD,
        "event",
        sub("edit", opt("id", 1), opt("changes", later.strftime("%Y-%m-%d %H:%M"))),
        guild_id=GUILD,
    )
    assert "Event #1 is changed" in (await answer(fake, moved)).content
    await fake.wait_for(
        lambda: fake.scheduled_events(GUILD)[0]["scheduled_start_time"].startswith(
            later.strftime("%Y-%m-%dT%H:%M")
        )
    )
    cancelled = await fake.slash(
        LEAD,
        "event",
        sub("cancel", opt("id", 1), opt("reason", "the room flooded")),
        guild_id=GUILD,
    )
    assert "Event #1 is cancelled" in (await answer(fake, cancelled)).content
    await fake.wait_for(lambda: fake.scheduled_events(GUILD) == [])
    await fake.wait_for(lambda: shown().startswith("Cancelled: the room flooded"))
    assert post_of(fake, title)[0]["components"] == []  # nothing left to press


async def test_without_manage_events_the_event_is_haven_s_alone(
    fake: FakeDiscord, haven: Haven
) -> None:
    start = haven.app.services.clock.now() + timedelta(days=3)
    when = start.strftime("%Y-%m-%d %H:%M") + " UTC circle"
    added = await fake.slash(
        LEAD, "event", sub("add", opt("title", "Open circle"), opt("when", when)), guild_id=GUILD
    )
    assert "Event #1 is posted" in (await answer(fake, added)).content
    await fake.wait_for(lambda: len(post_of(fake, "Open circle")) == 1)
    assert fake.scheduled_events(GUILD) == [] and fake.pinned(GENERAL) == []
    assert "Going: 0" in post_of(fake, "Open circle")[0]["content"]
