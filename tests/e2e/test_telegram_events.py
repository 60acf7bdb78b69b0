"""Gatherings on Telegram end to end (the real python-telegram-bot against the fake Bot API):
the event post with its inline buttons in the group, pinned when the lead asks and Haven may;
RSVPs by button (private answers, the waiting list moving up) changing the post's counts in
place; a reminder reaching the one going privately through the outbox, and the reminders job
run again (as after a restart) sending nobody a second one; a cancellation changing the post."""

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
    fake.promote(GROUP)  # an administrator that may pin messages
    # One 429 on the pin and one 500 on the first change: both waited out, as sends are.
    fake.fail_next("pinChatMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake.fail_next("editMessageText", 500, "Internal Server Error")
    fake.send_text(LEAD, f'/event add "Coping skills workshop" {day} {at} UTC cap 1 pin', GROUP)
    post = await reply_in(fake, GROUP, "Coping skills workshop")
    going, maybe, cannot = post["reply_markup"]["inline_keyboard"][0]
    assert (going["text"], maybe["text"], cannot["text"]) == ("Going", "Maybe", "Can't go")
    assert "Going: 0 · Maybe: 0" in post["text"] and "Lee" not in post["text"]
    await reply_in(fake, LEAD, "Event #1 is posted")
    await fake.wait_for(lambda: fake.pinned(GROUP) == [post["message_id"]])

    def counts_shown(needle: str) -> bool:
        edits = fake.calls_of("editMessageText")
        return any(needle in c.params.get("text", "") for c in edits)

    fake.press(ALICE, post, going["callback_data"])
    await reply_in(fake, ALICE, "You're going to Coping skills workshop")
    await fake.wait_for(lambda: counts_shown("Going: 1 · Maybe: 0"))
    fake.press(KIM, post, going["callback_data"])
    await reply_in(fake, KIM, "waiting list")
    await fake.wait_for(lambda: counts_shown("Going: 1 · Maybe: 0 · Waiting: 1"))
    fake.press(ALICE, post, cannot["callback_data"])
    await reply_in(fake, KIM, "A place opened up")
    await fake.wait_for(
        lambda: "Waiting" not in fake.calls_of("editMessageText")[-1].params["text"]
    )
    edits = fake.calls_of("editMessageText")
    assert {int(c.params["message_id"]) for c in edits} == {post["message_id"]}  # in place
    assert all("Kim" not in c.params["text"] and "Alice" not in c.params["text"] for c in edits)
    assert len(fake.calls_of("editMessageText", ok=False)) == 1 + len(edits)  # one fault
    assert len(fake.calls_of("pinChatMessage", ok=False)) == 2  # a 429, then pinned
    posts = [m for m in fake.messages_to(GROUP) if "Coping skills" in m.get("text", "")]
    assert len({m["message_id"] for m in posts}) == 1  # one post, never a second
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

    fake.send_text(LEAD, "/event cancel 1 the room flooded", GROUP)
    await reply_in(fake, KIM, "Coping skills workshop is cancelled: the room flooded")
    await fake.wait_for(lambda: counts_shown("Cancelled: the room flooded"))
    last = fake.calls_of("editMessageText")[-1].params
    assert int(last["message_id"]) == post["message_id"] and not last.get("reply_markup")
