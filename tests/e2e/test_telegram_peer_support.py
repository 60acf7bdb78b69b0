"""Peer support on Telegram end to end (the real python-telegram-bot against the fake Bot
API): a member asks to talk in the group, the approved supporter gets the request privately
and presses Accept, and Haven relays words between the two direct chats under aliases, never
names; markup a member writes arrives as plain text; /end closes it on both sides."""

from __future__ import annotations

from fakes.haven_telegram import ALICE, GROUP, KIM, LEAD, Haven
from fakes.supporters import make_supporter
from fakes.telegram_api import FakeTelegram

from bot.core.messages import Actor, Place


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in fake.messages_to(chat_id)]


async def said(fake: FakeTelegram, chat_id: int, needle: str) -> dict:
    await fake.wait_for(lambda: any(needle in t for t in texts(fake, chat_id)), 10)
    return next(m for m in fake.messages_to(chat_id) if needle in m.get("text", ""))


async def test_a_conversation_relayed_between_two_direct_chats(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.send_text(LEAD, "/rules", GROUP)  # the group exists for Haven
    await said(fake, GROUP, "Ground rules")
    fake.send_text(KIM, "/rules", GROUP)
    await fake.wait_for(lambda: len(fake.messages_to(GROUP)) >= 2, 10)
    group = Place("telegram", str(GROUP), False, str(GROUP), "Group")
    await make_supporter(haven.app, group, Actor("telegram", str(KIM), "Kim"))
    fake.send_text(ALICE, "/talk exams", GROUP)
    await said(fake, ALICE, "I'm looking for a supporter")
    offer = await said(fake, KIM, "would like to talk about: exams")
    assert "Alice" not in offer["text"]
    (accept,) = offer["reply_markup"]["inline_keyboard"][0]
    fake.press(KIM, offer, accept["callback_data"])
    started = await said(fake, KIM, "You're talking with ")
    alias = started["text"].split("You're talking with ")[1].split(".")[0]
    welcome = await said(fake, ALICE, "a trained peer supporter")
    theirs = welcome["text"].split(",")[0]

    fake.send_text(ALICE, "hi <b>there</b> *all* @kim")
    relayed = await said(fake, KIM, f"{alias}: hi")
    # Shown as written, but a mention no longer pings anyone (a word joiner after the @).
    assert relayed["text"] == f"{alias}: hi <b>there</b> *all* @\u2060kim"
    assert "Alice" not in relayed["text"] and not relayed.get("entities")
    fake.send_text(KIM, "I'm here. How are the exams going?")
    back = await said(fake, ALICE, f"{theirs}: I'm here")
    assert "Kim" not in back["text"]

    fake.send_text(ALICE, "/end")
    await said(fake, ALICE, "has ended")
    await said(fake, KIM, "Thank you for listening")
    before = len(fake.messages_to(ALICE))
    fake.send_text(ALICE, "are you still there?")
    await fake.wait_for(lambda: len(fake.messages_to(ALICE)) > before, 10)  # answered, not relayed
    assert not any("are you still there" in t for t in texts(fake, KIM))
