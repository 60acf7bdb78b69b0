"""Charts through the real python-telegram-bot against the fake Bot API: `/mood chart` and
`/summary` arrive as one photo with their text as the caption, only ever in a direct chat, and
a scheduled summary's chart goes through the outbox, whose copy of the bytes is then dropped."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fakes.charts import CHART_SIZE, LAST_WEEK, check_ins, outbox_rows, png_size
from fakes.haven_telegram import ALICE, BOB, GROUP, KIM, LEAD, Haven
from fakes.telegram_api import FakeTelegram

from bot.core.messages import Place

GROUP_PLACE = Place("telegram", str(GROUP), False, str(GROUP), "Calm Corner")
OTHERS = {6001: "Ana", 6002: "Ben", 6003: "Cy"}  # members who never write to the bot here
MOOD_WORDS = ("mood chart", "only you can see it", "In words", "check-in")


def photos_to(fake: FakeTelegram, chat_id: int) -> list[dict]:
    return [m for m in fake.messages_to(chat_id) if "photo" in m]


def photo_bytes(fake: FakeTelegram, message: dict) -> bytes:
    return fake.file_data(message["photo"][0]["file_id"])


async def one_photo(fake: FakeTelegram, chat_id: int, timeout: float = 15) -> dict:
    await fake.wait_for(lambda: bool(photos_to(fake, chat_id)), timeout)
    await asyncio.sleep(0.3)  # anything sent after it would show up now
    (photo,) = photos_to(fake, chat_id)
    return photo


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.get("text", "") + m.get("caption", "") for m in fake.messages_to(chat_id)]


async def test_mood_chart_in_the_direct_chat_is_one_photo_with_its_words(
    fake: FakeTelegram, haven: Haven
) -> None:
    await check_ins(haven.app, "telegram", {ALICE: "Alice"}, (timedelta(days=2), LAST_WEEK / 2))
    fake.send_text(ALICE, "/checkin 4 tired")
    await fake.wait_for(lambda: any("Recorded privately" in t for t in texts(fake, ALICE)))
    fake.send_text(ALICE, "/mood chart 7")
    photo = await one_photo(fake, ALICE)

    (call,) = fake.calls_of("sendPhoto", ok=False)  # one message: picture and words together
    assert call.params["chat_id"] == ALICE and call.status == 200
    caption = photo["caption"]
    assert caption.startswith("Your mood chart, last 7 days (only you can see it).")
    assert "In words: 3 check-ins on 3 of 7 days" in caption
    assert "tired ×1" in caption
    assert photo["photo"][0]["file_name"].startswith("mood-7-days-")
    assert png_size(photo_bytes(fake, photo)) == CHART_SIZE
    assert sum("Your mood chart" in t for t in texts(fake, ALICE)) == 1  # not sent twice
    assert fake.messages_to(GROUP) == []


async def test_mood_chart_typed_in_a_group_goes_to_the_direct_chat(
    fake: FakeTelegram, haven: Haven
) -> None:
    await check_ins(haven.app, "telegram", {ALICE: "Alice"}, (timedelta(days=1),), moods=(2,))
    fake.send_text(ALICE, "/mood chart 30", chat_id=GROUP)
    photo = await one_photo(fake, ALICE)
    assert "Your mood chart, last 7 days (you asked for 30" in photo["caption"]
    assert png_size(photo_bytes(fake, photo)) == CHART_SIZE
    assert [c.params["chat_id"] for c in fake.calls_of("sendPhoto", ok=False)] == [ALICE]
    assert fake.messages_to(GROUP) == []  # not even a pointer: the member asked, it came


async def test_mood_chart_for_a_member_who_never_pressed_start(
    fake: FakeTelegram, haven: Haven
) -> None:
    await check_ins(haven.app, "telegram", {BOB: "Bob"}, (timedelta(days=1),))
    fake.send_text(BOB, "/mood chart 7", chat_id=GROUP)
    await fake.wait_for(lambda: bool(fake.messages_to(GROUP)))
    await asyncio.sleep(0.3)
    (line,) = fake.messages_to(GROUP)
    assert "photo" not in line and "caption" not in line
    assert "t.me/HavenTestBot?start=c-mood" in line["text"]
    assert not any(word in line["text"] for word in MOOD_WORDS)
    assert fake.messages_to(BOB) == []
    assert not fake.calls_of("sendPhoto")  # tried the direct chat (refused), nowhere else

    fake.set_started(BOB, True)
    fake.send_text(BOB, "/start c-mood")
    photo = await one_photo(fake, BOB)
    assert "only you can see it" in photo["caption"]
    assert png_size(photo_bytes(fake, photo)) == CHART_SIZE
    assert len(fake.messages_to(GROUP)) == 1


async def test_mood_chart_when_telegram_does_not_know_the_direct_chat(
    fake: FakeTelegram, haven: Haven
) -> None:
    """Telegram answers "chat not found" (400) for someone who never opened a chat with the
    bot; for a photo as for text that means: the neutral line in the group, nothing else."""
    await check_ins(haven.app, "telegram", {KIM: "Kim"}, (timedelta(days=1),))
    fake.fail_next("sendPhoto", 400, "Bad Request: chat not found")
    fake.send_text(KIM, "/mood chart 7", chat_id=GROUP)
    await fake.wait_for(lambda: bool(fake.messages_to(GROUP)))
    await asyncio.sleep(0.3)
    (line,) = fake.messages_to(GROUP)
    assert "t.me/HavenTestBot?start=c-mood" in line["text"] and "photo" not in line
    assert not any(word in line["text"] for word in MOOD_WORDS)
    assert fake.messages_to(KIM) == []


async def test_summary_for_a_lead_is_a_chart_in_the_direct_chat(
    fake: FakeTelegram, haven: Haven
) -> None:
    five = {ALICE: "Alice", BOB: "Bob", **OTHERS}  # five distinct members last week
    await check_ins(
        haven.app, "telegram", five, (LAST_WEEK,), place=GROUP_PLACE, moods=(4, 5, 4, 3, 4)
    )
    fake.send_text(LEAD, "/summary", chat_id=GROUP)
    photo = await one_photo(fake, LEAD)

    caption = photo["caption"]
    assert caption.startswith("Anonymous weekly summary (weeks with at least 5 members):")
    assert ": 5 members, 5 check-ins, average 4.0" in caption
    assert "No chart this time" not in caption
    assert photo["photo"][0]["file_name"].startswith("community-mood-")
    assert png_size(photo_bytes(fake, photo)) == CHART_SIZE
    assert [c.params["chat_id"] for c in fake.calls_of("sendPhoto", ok=False)] == [LEAD]
    assert fake.messages_to(GROUP) == []


async def test_summary_below_five_members_has_no_chart(fake: FakeTelegram, haven: Haven) -> None:
    four = {ALICE: "Alice", BOB: "Bob", 6001: "Ana", 6002: "Ben"}
    await check_ins(haven.app, "telegram", four, (LAST_WEEK,), place=GROUP_PLACE)
    fake.send_text(LEAD, "/summary", chat_id=GROUP)
    await fake.wait_for(lambda: bool(fake.messages_to(LEAD)))
    await asyncio.sleep(0.3)
    (reply,) = fake.messages_to(LEAD)
    assert "No chart this time" in reply["text"] and "fewer than 5 members" in reply["text"]
    assert "photo" not in reply and not fake.calls_of("sendPhoto", ok=False)
    assert fake.messages_to(GROUP) == []


async def test_scheduled_summary_goes_through_the_outbox_with_its_chart(
    fake: FakeTelegram, haven: Haven
) -> None:
    five = {ALICE: "Alice", BOB: "Bob", **OTHERS}
    await check_ins(haven.app, "telegram", five, (LAST_WEEK,), place=GROUP_PLACE)
    fake.send_text(LEAD, "/schedule summary weekly mon 09:00", chat_id=GROUP)
    await fake.wait_for(lambda: any("Schedule #1" in t for t in texts(fake, LEAD)))

    (row,) = await haven.app.services.schedules.active()
    assert await haven.app.schedules.fire(row, haven.app.services.clock.now())
    photo = await one_photo(fake, LEAD)
    assert "Anonymous weekly summary" in photo["caption"] and "5 members" in photo["caption"]
    assert png_size(photo_bytes(fake, photo)) == CHART_SIZE
    await fake.wait_for(lambda: [r[0] for r in outbox_rows(haven.database)] == ["sent"])
    ((_, name, bytes_kept),) = outbox_rows(haven.database)
    assert name == photo["photo"][0]["file_name"] and name.startswith("community-mood-")
    assert not bytes_kept  # the picture left the database once it was sent
    assert fake.messages_to(GROUP) == []
