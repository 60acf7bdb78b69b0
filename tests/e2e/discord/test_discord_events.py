"""Gatherings on Discord end to end (the real discord.py against the fake gateway and REST
API): a lead's /event add posts the event publicly with its buttons (counts, never names) and
tells the lead privately; a member's press on Going is answered ephemerally; a full event's
waiting list moves up."""

from __future__ import annotations

from datetime import timedelta

from fakes.discord_api import FakeDiscord
from fakes.discord_slash import opt, sub
from fakes.haven_discord import ALICE, GENERAL, GUILD, KIM, LEAD, MEMBER_PERMISSIONS, Haven


async def answer(fake: FakeDiscord, interaction, count: int = 1):
    responses = await fake.wait_responses(interaction, count)
    return responses[count - 1]


async def test_an_event_post_and_rsvps_by_button(fake: FakeDiscord, haven: Haven) -> None:
    fake.add_member(GUILD, KIM, permissions=MEMBER_PERMISSIONS)  # a second member to wait
    start = haven.app.services.clock.now() + timedelta(days=2)
    when = start.strftime("%Y-%m-%d %H:%M") + " UTC workshop cap 1"
    added = await fake.slash(
        LEAD,
        "event",
        sub("add", opt("title", "Coping skills workshop"), opt("when", when)),
        guild_id=GUILD,
    )
    post = await answer(fake, added)
    assert not post.ephemeral and "Coping skills workshop" in post.content
    assert "Going: 0 · Maybe: 0" in post.content and "lee" not in post.content.casefold()
    buttons = [c for row in post.components for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Going", "Maybe", "Can't go"]
    going, cannot = buttons[0]["custom_id"], buttons[2]["custom_id"]
    told = await answer(fake, added, 2)
    assert told.ephemeral and "Event #1 is posted" in told.content

    message = {"id": "7", "channel_id": str(GENERAL), "components": post.components}
    pressed = await answer(fake, await fake.press(ALICE, going, message, guild_id=GUILD))
    assert pressed.ephemeral and "You're going to Coping skills workshop" in pressed.content
    waiting = await answer(fake, await fake.press(KIM, going, message, guild_id=GUILD))
    assert waiting.ephemeral and "waiting list" in waiting.content
    await answer(fake, await fake.press(ALICE, cannot, message, guild_id=GUILD))
    await fake.wait_for(
        lambda: any("A place opened up" in m.get("content", "") for m in fake.dm_messages(KIM)),
        timeout=10,
    )
