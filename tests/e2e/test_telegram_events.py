"""Gatherings on Telegram end to end (the real python-telegram-bot against the fake Bot API):
the event post with its inline buttons in the group, RSVPs by button (private answers, the
waiting list moving up), a reminder reaching the one going privately through the outbox, and
the reminders job run again (as after a restart) sending nobody a second one."""

from __future__ import annotations

from datetime import timedelta

from fakes.haven_telegram import ALICE, GROUP, KIM, LEAD, Haven
from fakes.telegram_api import FakeTelegram
from shared import connect

from commands.events import event_jobs


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in fake.messages_to(chat_id)]


async def reply_in(fake: FakeTelegram, chat_id: int, needle: str, timeout: float = 10) -> dict:
    await fake.wait_for(lambda: any(needle in t for t in texts(fake, chat_id)), timeout)
    return next(m for m in fake.messages_to(chat_id) if needle in m.get("text", ""))


async def test_an_event_post_rsvps_and_a_reminder(fake: FakeTelegram, haven: Haven) -> None:
    start = haven.app.services.clock.now() + timedelta(days=2)
    day, at = start.strftime("%Y-%m-%d"), start.strftime("%H:%M")
    fake.send_text(LEAD, f'/event add "Coping skills workshop" {day} {at} UTC cap 1', GROUP)
    post = await reply_in(fake, GROUP, "Coping skills workshop")
    going, maybe, cannot = post["reply_markup"]["inline_keyboard"][0]
    assert (going["text"], maybe["text"], cannot["text"]) == ("Going", "Maybe", "Can't go")
    assert "Going: 0 · Maybe: 0" in post["text"] and "Lee" not in post["text"]
    await reply_in(fake, LEAD, "Event #1 is posted")

    fake.press(ALICE, post, going["callback_data"])
    await reply_in(fake, ALICE, "You're going to Coping skills workshop")
    fake.press(KIM, post, going["callback_data"])
    await reply_in(fake, KIM, "waiting list")
    fake.press(ALICE, post, cannot["callback_data"])
    await reply_in(fake, KIM, "A place opened up")
    assert not any("You're going" in t for t in texts(fake, GROUP))  # answers stay private

    services = haven.app.services
    await haven.app.deliver(await event_jobs(services, start - timedelta(minutes=30)))
    await reply_in(fake, KIM, "starts in an hour")
    await haven.app.deliver(await event_jobs(services, start - timedelta(minutes=20)))
    await haven.app.deliver(await event_jobs(services, start - timedelta(minutes=10)))
    with connect(haven.database) as conn:
        keys = [r[0] for r in conn.execute("SELECT key FROM outbox WHERE key LIKE 'event:%'")]
    assert len(keys) == 1 and ":remind:1h:" in keys[0] and keys[0].startswith("event:1:")
    assert sum("starts in an hour" in t for t in texts(fake, KIM)) == 1
    assert not any("starts in an hour" in t for t in texts(fake, ALICE))
