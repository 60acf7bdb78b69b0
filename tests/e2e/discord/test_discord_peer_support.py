"""Peer support on Discord end to end (the real discord.py against the fake gateway and REST
API): a member's /talk is answered ephemerally, the approved supporter gets the request as a
direct message and presses Accept, and Haven relays what each writes in their direct chat to
the other under an alias (Discord gives a bot direct messages' content without the privileged
intent); a mention written by a member pings nobody; /end closes it."""

from __future__ import annotations

from fakes.discord_api import FakeDiscord
from fakes.discord_slash import opt, sub
from fakes.haven_discord import ALICE, GENERAL, GUILD, KIM, LEAD, MEMBER_PERMISSIONS, Haven
from fakes.supporters import make_supporter

from bot.core.messages import Actor, Place


async def dm(fake: FakeDiscord, user_id: int, needle: str) -> dict:
    def found() -> list[dict]:
        return [m for m in fake.dm_messages(user_id) if needle in m.get("content", "")]

    await fake.wait_for(lambda: bool(found()), timeout=10)
    return found()[-1]


async def test_a_conversation_relayed_between_two_direct_chats(
    fake: FakeDiscord, haven: Haven
) -> None:
    fake.add_member(GUILD, KIM, permissions=MEMBER_PERMISSIONS)
    for user in (LEAD, KIM):  # the group, as Haven knows it
        await fake.wait_responses(await fake.slash(user, "rules", sub("show"), guild_id=GUILD), 1)
    group = Place("discord", str(GENERAL), False, str(GUILD), "")
    await make_supporter(haven.app, group, Actor("discord", str(KIM), "kim"))
    asked = await fake.slash(ALICE, "talk", [opt("topic", "exams")], guild_id=GUILD)
    (answer,) = await fake.wait_responses(asked, 1)
    assert answer.ephemeral and "looking for a supporter" in answer.content
    offer = await dm(fake, KIM, "would like to talk about: exams")
    assert "alice" not in offer["content"]
    accept = offer["components"][0]["components"][0]["custom_id"]
    (started,) = await fake.wait_responses(await fake.press(KIM, accept, offer), 1)
    alias = started.content.split("You're talking with ")[1].split(".")[0]
    welcome = await dm(fake, ALICE, "a trained peer supporter")
    theirs = welcome["content"].split(",")[0]

    await fake.send_dm(ALICE, "hi @everyone, **really** tired")
    relayed = await dm(fake, KIM, f"{alias}: hi")
    assert "alice" not in relayed["content"] and relayed["pings"] == []
    await fake.send_dm(KIM, "I'm here. What's been tiring you?")
    back = await dm(fake, ALICE, f"{theirs}: I'm here")
    assert "kim" not in back["content"]

    await fake.send_dm(ALICE, "/end")  # typed as text in the direct chat: a command
    await dm(fake, ALICE, "has ended")
    await dm(fake, KIM, "Thank you for listening")
    assert not any("/end" in m.get("content", "") for m in fake.dm_messages(KIM))  # not relayed
