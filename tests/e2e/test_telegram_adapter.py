"""Haven's Telegram adapter end to end: the real python-telegram-bot against the fake Bot API."""

from __future__ import annotations

import asyncio
import time

from fakes.haven_telegram import ALICE, BOB, CONSENTED, GROUP, KIM, LEAD, Haven
from fakes.telegram_api import FakeTelegram
from shared import connect

NOA = 1005  # a member who has not agreed to anything yet


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in fake.messages_to(chat_id)]


async def reply_in(fake: FakeTelegram, chat_id: int, needle: str, timeout: float = 10) -> dict:
    await fake.wait_for(lambda: any(needle in t for t in texts(fake, chat_id)), timeout)
    return next(m for m in fake.messages_to(chat_id) if needle in m.get("text", ""))


def rows(haven: Haven, sql: str) -> list[tuple]:
    with connect(haven.database) as conn:
        return conn.execute(sql).fetchall()


async def test_commands_are_published_from_the_registry(fake: FakeTelegram, haven: Haven) -> None:
    published = {c["command"]: c["description"] for c in fake.commands if "language_code" not in c}
    declared = {c.name: c.description for c in haven.app.registry}
    assert published == declared


async def test_private_checkin_by_command(fake: FakeTelegram, haven: Haven) -> None:
    fake.send_text(ALICE, "/checkin 4 tired,hopeful long day")
    reply = await reply_in(fake, ALICE, "Recorded privately")
    assert "4 (good)" in reply["text"] and "tired, hopeful" in reply["text"]
    assert rows(haven, "SELECT mood, tags, note FROM checkins") == [
        (4, "tired,hopeful", "long day")
    ]


async def test_consent_is_asked_before_a_first_checkin(fake: FakeTelegram, haven: Haven) -> None:
    fake.add_user(NOA, "Noa")
    fake.send_text(NOA, "/checkin 4")
    question = await reply_in(fake, NOA, "Do you agree to Haven keeping your check-ins?")
    assert "Recorded" not in question["text"]
    buttons = [b for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["I agree", "No thanks"]
    assert rows(haven, "SELECT COUNT(*) FROM checkins") == [(0,)]
    assert rows(haven, "SELECT COUNT(*) FROM consents") == [(len(CONSENTED),)]

    agree = buttons[0]["callback_data"]
    assert agree == "h:consent yes"
    fake.press(NOA, question, agree)
    await reply_in(fake, NOA, "Your consent is recorded")
    # The check-in given before agreeing is recorded the moment Noa agrees, once.
    reply = await reply_in(fake, NOA, "Recorded privately")
    assert "4 (good)" in reply["text"]
    assert rows(haven, "SELECT mood FROM checkins") == [(4,)]


async def test_checkin_by_button_is_answered(fake: FakeTelegram, haven: Haven) -> None:
    fake.send_text(ALICE, "/checkin")
    prompt = await reply_in(fake, ALICE, "How are you feeling")
    labels = [b["text"] for row in prompt["reply_markup"]["inline_keyboard"] for b in row]
    assert len(labels) == 5 and labels[3].endswith("4 good")
    data = prompt["reply_markup"]["inline_keyboard"][0][3]["callback_data"]
    fake.press(ALICE, prompt, data)
    await reply_in(fake, ALICE, "Recorded privately")
    answered = await fake.wait_for_call("answerCallbackQuery")
    assert answered and rows(haven, "SELECT mood FROM checkins") == [(4,)]


async def test_resources_and_helpline(fake: FakeTelegram, haven: Haven) -> None:
    fake.send_text(ALICE, "/resources anxiety")
    await reply_in(fake, ALICE, "Anxiety")
    fake.send_text(ALICE, "/helpline GB")
    reply = await reply_in(fake, ALICE, "Helplines in United Kingdom")
    assert "116 123" in reply["text"] and "999" in reply["text"]


async def test_rules_for_member_and_lead(fake: FakeTelegram, haven: Haven) -> None:
    fake.send_text(ALICE, "/rules", chat_id=GROUP)
    rules = await reply_in(fake, GROUP, "Ground rules of Calm Corner")
    assert "1. Be respectful" in rules["text"]

    fake.send_text(LEAD, "/rules@HavenTestBot add Celebrate small wins", chat_id=GROUP)
    added = await reply_in(fake, LEAD, "Added rule 9")
    assert "Celebrate small wins" in added["text"]

    fake.send_text(ALICE, "/rules add Members cannot do this", chat_id=GROUP)
    refusal = await reply_in(fake, ALICE, "is for group leads")
    assert "Usage: /rules add <text>" in refusal["text"]
    stored = rows(haven, "SELECT text FROM rules ORDER BY position")
    assert stored[-1] == ("Celebrate small wins",) and len(stored) == 9


async def test_group_checkin_reply_goes_to_the_direct_chat(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.send_text(ALICE, "/checkin 2 tired", chat_id=GROUP)
    await reply_in(fake, ALICE, "Recorded privately")
    # Haven is not an administrator of this group: the member hears their words are visible.
    told = await reply_in(fake, ALICE, "still visible to everyone there")
    assert "Calm Corner" in told["text"] and "direct chat" in told["text"]
    await asyncio.sleep(0.2)
    assert not any("Recorded" in t or "visible" in t for t in texts(fake, GROUP))
    assert fake.deleted == []


async def test_group_checkin_is_removed_where_haven_may_delete(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.add_group(GROUP - 1, "Open Room", admins=[LEAD, fake.bot_id], creator=LEAD)
    fake.join(ALICE, GROUP - 1)
    typed = fake.send_text(ALICE, "/checkin 2 anxious about tomorrow", chat_id=GROUP - 1)
    await reply_in(fake, ALICE, "Recorded privately")
    typed = typed["message"]
    await fake.wait_for(lambda: fake.deleted == [(GROUP - 1, typed["message_id"])])
    await asyncio.sleep(0.2)
    assert not any("visible" in t for t in texts(fake, ALICE))
    fake.send_text(ALICE, "/rules", chat_id=GROUP - 1)  # nothing private in it: it stays
    await reply_in(fake, GROUP - 1, "Ground rules")
    assert fake.deleted == [(GROUP - 1, typed["message_id"])]


async def test_deep_link_when_the_member_never_started_the_bot(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.send_text(BOB, "/checkin 3 restless", chat_id=GROUP)
    line = await reply_in(fake, GROUP, "t.me/HavenTestBot?start=c-checkin")
    assert "Recorded" not in line["text"] and "restless" not in line["text"]
    assert not fake.messages_to(BOB)

    fake.set_started(BOB, True)
    fake.send_text(BOB, "/start c-checkin")
    reply = await reply_in(fake, BOB, "Recorded privately")
    assert "3 (okay)" in reply["text"]


async def test_welcome_on_join_and_agreement(fake: FakeTelegram, haven: Haven) -> None:
    fake.join(KIM, GROUP)
    welcome = await reply_in(fake, GROUP, "Welcome, Kim")
    read, button = welcome["reply_markup"]["inline_keyboard"][0]
    assert read["text"] == "Read the rules" and button["text"] == "I agree"
    assert "Be respectful" not in welcome["text"]  # compact: the rules are a press away
    fake.press(KIM, welcome, read["callback_data"])
    await reply_in(fake, KIM, "Ground rules of")
    fake.press(KIM, welcome, button["callback_data"])
    await reply_in(fake, KIM, "agreement to the ground rules is recorded")
    assert rows(haven, "SELECT agreed_at IS NOT NULL FROM community_members") == [(1,)]


async def test_the_rules_gate_keeps_a_newcomer_read_only_until_they_agree(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.send_text(LEAD, "/rules gate restrict", chat_id=GROUP)
    await reply_in(fake, LEAD, "Newcomers read only until they agree")
    assert rows(haven, "SELECT rules_gate FROM communities") == [("restrict",)]

    # Haven is no admin here: Telegram refuses, and the welcome says so rather than pretend.
    fake.join(KIM, GROUP)
    welcome = await reply_in(fake, GROUP, "Welcome, Kim")
    assert "could not make newcomers read-only" in welcome["text"]
    assert (GROUP, KIM) not in fake.restricted

    fake.add_group(GROUP - 1, "Open Room", admins=[LEAD, fake.bot_id], creator=LEAD)
    fake.send_text(LEAD, "/rules gate restrict", chat_id=GROUP - 1)
    await fake.wait_for(lambda: len(texts(fake, LEAD)) == 2)
    fake.add_user(NOA, "Noa")
    fake.join(NOA, GROUP - 1)
    welcome = await reply_in(fake, GROUP - 1, "Welcome, Noa")
    assert "which lets you write here" in welcome["text"] and "could not" not in welcome["text"]
    await fake.wait_for(lambda: (GROUP - 1, NOA) in fake.restricted)
    assert fake.restricted[(GROUP - 1, NOA)]["can_send_messages"] is False

    agree = welcome["reply_markup"]["inline_keyboard"][0][1]
    fake.set_started(NOA, True)
    fake.press(NOA, welcome, agree["callback_data"])
    thanks = await reply_in(fake, NOA, "agreement to the ground rules is recorded")
    assert "You can write in the group now." in thanks["text"]
    assert (GROUP - 1, NOA) not in fake.restricted


async def test_markup_and_mentions_are_shown_literally(fake: FakeTelegram, haven: Haven) -> None:
    title = "<b>Bold_*[tricks]</b> for @everyone"
    fake.send_text(
        LEAD, f'/resources add sleep https://example.org/sleep "{title}" a *note*', chat_id=GROUP
    )
    await reply_in(fake, LEAD, "Added to sleep")
    fake.send_text(LEAD, "/resources sleep", chat_id=GROUP)
    listing = await reply_in(fake, LEAD, "Bold_")
    assert "<b>Bold_*[tricks]</b> for @\u2060everyone" in listing["text"]
    sends = [c for c in fake.calls if c.method == "sendMessage"]
    assert all(c.status == 200 for c in sends)
    assert all("parse_mode" not in c.params for c in sends)


async def test_a_429_is_waited_out_and_sent_once(fake: FakeTelegram, haven: Haven) -> None:
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake.send_text(ALICE, "/help")
    await reply_in(fake, ALICE, "For everyone")
    to_alice = [
        c for c in fake.calls if c.method == "sendMessage" and c.params.get("chat_id") == ALICE
    ]
    assert [c.status for c in to_alice] == [429, 200]
    assert to_alice[1].at - to_alice[0].at >= 1.0


async def test_a_duplicate_update_is_handled_once(fake: FakeTelegram, haven: Haven) -> None:
    update = fake.send_text(ALICE, "/checkin 5")
    await reply_in(fake, ALICE, "Recorded privately")
    fake.push(update)
    fake.send_text(ALICE, "/help")
    await reply_in(fake, ALICE, "For everyone")
    await asyncio.sleep(0.3)
    assert rows(haven, "SELECT COUNT(*) FROM checkins") == [(1,)]
    assert sum("Recorded privately" in t for t in texts(fake, ALICE)) == 1


async def test_anonymous_admin_gets_an_explanation(fake: FakeTelegram, haven: Haven) -> None:
    fake.send_text(LEAD, "/rules add Be kind", chat_id=GROUP, sender_chat_id=GROUP)
    await reply_in(fake, GROUP, "anonymous admin")
    assert len(rows(haven, "SELECT id FROM rules")) == 0  # the group was never even set up


async def test_flood_limits_hold_in_normal_operation(fake: FakeTelegram, haven: Haven) -> None:
    started = time.monotonic()
    for _ in range(3):
        fake.send_text(ALICE, "/cope")
    await fake.wait_for(lambda: len(fake.messages_to(ALICE)) >= 3, timeout=15)
    assert fake.rejected_for_limits == 0
    assert time.monotonic() - started >= 2.0  # one per second in one chat


async def test_crisis_text_in_a_direct_chat_gets_the_private_reply(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.send_text(ALICE, "i just want to end it all")
    reply = await reply_in(fake, ALICE, "You're not alone")
    assert "I haven't saved what you wrote" in reply["text"]
    assert rows(haven, "SELECT COUNT(*) FROM checkins") == [(0,)]


async def test_a_group_that_becomes_a_supergroup_keeps_its_rules_and_schedules(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.send_text(LEAD, "/rules add Celebrate small wins", chat_id=GROUP)
    await reply_in(fake, LEAD, "Added rule 9")
    fake.send_text(LEAD, "/schedule rules weekly mon 09:00", chat_id=GROUP)
    await reply_in(fake, LEAD, "Schedule #1")
    new_group = GROUP - 1_000_000_000_000
    fake.migrate(GROUP, new_group)
    await fake.wait_for(
        lambda: rows(haven, "SELECT key FROM communities") == [(str(new_group),)], timeout=10
    )
    assert rows(haven, "SELECT chat_id FROM schedules") == [(str(new_group),)]
    fake.send_text(ALICE, "/rules", chat_id=new_group)
    rules = await reply_in(fake, new_group, "Ground rules of Calm Corner")
    assert "9. Celebrate small wins" in rules["text"]
    assert rows(haven, "SELECT COUNT(*) FROM communities") == [(1,)]


async def test_forum_topics_are_answered_in_their_topic_and_schedules_post_there(
    fake: FakeTelegram, haven: Haven
) -> None:
    forum = GROUP - 5
    fake.add_group(forum, "Topics", admins=[LEAD], creator=LEAD, forum=True)
    fake.send_text(ALICE, "/rules", chat_id=forum, thread_id=42)
    rules = await reply_in(fake, forum, "Ground rules of Topics")
    assert rules.get("message_thread_id") == 42 and rules.get("is_topic_message")
    fake.send_text(LEAD, "/schedule checkin daily 09:00", chat_id=forum, thread_id=7)
    await reply_in(fake, LEAD, "Schedule #1")  # the lead's confirmation is private
    assert rows(haven, "SELECT thread_id FROM schedules") == [("7",)]
    fake.send_text(ALICE, "/rules", chat_id=forum)  # the general topic: no thread
    general = [m for m in fake.messages_to(forum) if "Ground rules" in m.get("text", "")]
    await fake.wait_for(
        lambda: (
            len([m for m in fake.messages_to(forum) if "Ground rules" in m.get("text", "")]) == 2
        ),
        timeout=10,
    )
    general = [m for m in fake.messages_to(forum) if "Ground rules" in m.get("text", "")]
    assert "message_thread_id" not in general[-1]
