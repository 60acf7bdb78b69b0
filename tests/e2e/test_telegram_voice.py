"""Members' voice on Telegram end to end (the real python-telegram-bot against the fake Bot
API): an anonymous /share reviewed by the lead on call in their direct chat, posted in the
group as "A member shared:" with response buttons whose counts change in the same message,
the author told privately how many responded; a /report as a reply to a member's message
reaching the lead with the message, its writer, the reason, a "Mark handled" button and a link
to the message, never the reporter, merged when a second member reports it. The /share and
/report lines typed in the group are deleted by Haven (an administrator that may delete
messages), so the group never sees who shared or who reported."""

from __future__ import annotations

import asyncio

from fakes.haven_telegram import ALICE, BOB, GROUP, KIM, LEAD, Haven
from fakes.telegram_api import FakeTelegram

SHARED = "Today I asked my doctor for help for the first time. I was scared but I did it."
SPAM = "buy cheap followers at example.com, only today"


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in fake.messages_to(chat_id)]


async def said(fake: FakeTelegram, chat_id: int, needle: str) -> dict:
    await fake.wait_for(lambda: any(needle in t for t in texts(fake, chat_id)), 10)
    return next(m for m in fake.messages_to(chat_id) if needle in m.get("text", ""))


def labels(message: dict) -> list[list[str]]:
    return [[b["text"] for b in row] for row in message["reply_markup"]["inline_keyboard"]]


def button(message: dict, label: str) -> dict:
    rows = message["reply_markup"]["inline_keyboard"]
    return next(b for row in rows for b in row if b["text"] == label)


async def lead_on_call(fake: FakeTelegram) -> None:
    """The group known to Haven, Haven an administrator that may delete messages, and Lee
    (the group's creator) on call, set by Lee in the group."""
    fake.promote(GROUP)
    fake.send_text(LEAD, "/rules", GROUP)
    await said(fake, GROUP, "Ground rules")
    fake.send_text(LEAD, "/community oncall Lee", GROUP)
    await said(fake, LEAD, "On call, in this order: Lee")


async def test_an_approved_share_is_posted_and_its_counts_change_in_place(
    fake: FakeTelegram, haven: Haven
) -> None:
    await lead_on_call(fake)
    typed = fake.send_text(ALICE, f"/share {SHARED}", GROUP)["message"]
    await said(fake, ALICE, "Your share #1 waits for a lead of Calm Corner")
    review = await said(fake, LEAD, "A share for Calm Corner waits for your review")
    assert SHARED in review["text"] and "You won't learn who wrote it" in review["text"]
    assert labels(review) == [["Approve", "Decline"], ["Approve with a content note"]]
    # The /share line is gone from the group: nobody there sees who shared.
    await fake.wait_for(lambda: (GROUP, typed["message_id"]) in fake.deleted)

    fake.press(LEAD, review, button(review, "Approve")["callback_data"])
    post = await said(fake, GROUP, "A member shared:")
    assert post["text"] == f"A member shared:\n{SHARED}"
    assert labels(post) == [["I relate · 0", "Sending support · 0", "Thank you for sharing · 0"]]
    await said(fake, LEAD, "Posted, without a name")
    await said(fake, ALICE, "Your share #1 is posted in Calm Corner, without your name")

    fake.press(KIM, post, button(post, "I relate · 0")["callback_data"])
    await said(fake, KIM, "the member who shared sees the count, not your name")
    await said(fake, ALICE, "1 member responded to your share #1.")

    def now_showing() -> dict:
        return [m for m in fake.messages_to(GROUP) if m["message_id"] == post["message_id"]][-1]

    await fake.wait_for(lambda: labels(now_showing())[0][0] == "I relate · 1")
    shown = now_showing()
    assert shown["text"] == post["text"] and "edit_date" in shown
    assert labels(shown) == [["I relate · 1", "Sending support · 0", "Thank you for sharing · 0"]]
    edits = fake.calls_of("editMessageText") + fake.calls_of("editMessageReplyMarkup")
    assert edits and {int(c.params["message_id"]) for c in edits} == {post["message_id"]}
    shares = [m for m in fake.messages_to(GROUP) if "A member shared" in m.get("text", "")]
    assert {m["message_id"] for m in shares} == {post["message_id"]}  # never posted twice
    assert not any("responded" in t or "Thank you:" in t for t in texts(fake, GROUP))

    # Nothing the lead or the group received names the author or carries their id.
    seen = [*fake.messages_to(LEAD), *fake.messages_to(GROUP)]
    for message in seen:
        shown_text = message.get("text", "") + str(message.get("reply_markup", ""))
        assert "Alice" not in shown_text and str(ALICE) not in shown_text, shown_text
    for call in edits:
        assert "Alice" not in str(call.params) and str(ALICE) not in str(call.params)


async def test_a_reply_report_reaches_the_lead_without_the_reporter_and_merges(
    fake: FakeTelegram, haven: Haven
) -> None:
    await lead_on_call(fake)
    written = fake.send_text(BOB, SPAM, GROUP)["message"]  # Haven ignores it: not addressed
    reported = fake.send_text(ALICE, "/report spam", GROUP, reply_to=written["message_id"])[
        "message"
    ]
    assert reported["reply_to_message"]["message_id"] == written["message_id"]
    await said(fake, ALICE, "The leads of Calm Corner have your report, without your name.")
    alert = await said(fake, LEAD, "Report #1 in Calm Corner")
    assert alert["text"].startswith("Report #1 in Calm Corner: a message by Bob was reported.")
    assert f"The message: {SPAM}" in alert["text"]
    assert "Reason: spam" in alert["text"]
    # The group is a supergroup without a username: Telegram's link is t.me/c/<id without
    # -100>/<message id> (python-telegram-bot's Message.link).
    link = f"https://t.me/c/{str(GROUP)[4:]}/{written['message_id']}"
    assert labels(alert) == [["Mark handled", "Open the message"]]
    assert button(alert, "Open the message") == {"text": "Open the message", "url": link}
    assert button(alert, "Mark handled")["callback_data"] == "h:report handled 1"
    # The /report line is deleted, so the group does not see who reported; the message
    # reported stays (the lead decides).
    await fake.wait_for(lambda: (GROUP, reported["message_id"]) in fake.deleted)
    assert (GROUP, written["message_id"]) not in fake.deleted

    again = fake.send_text(KIM, "/report", GROUP, reply_to=written["message_id"])["message"]
    merged = await said(fake, LEAD, "reported again, by 2 members now")
    assert merged["text"].startswith("Report #1 in Calm Corner: reported again")
    assert "The message:" not in merged["text"]
    await said(fake, KIM, "have your report, without your name")
    await fake.wait_for(lambda: (GROUP, again["message_id"]) in fake.deleted)

    for message in fake.messages_to(LEAD):
        shown = message.get("text", "") + str(message.get("reply_markup", ""))
        for name, user_id in (("Alice", ALICE), ("Kim", KIM)):
            assert name not in shown and str(user_id) not in shown, shown
    assert not any("report" in t.casefold() for t in texts(fake, GROUP))

    fake.press(LEAD, alert, button(alert, "Mark handled")["callback_data"])
    await said(fake, LEAD, "Report #1 is marked handled. Thank you.")


async def test_a_share_survives_a_5xx_on_its_review_and_post_and_a_429_on_its_count(
    fake: FakeTelegram, haven: Haven
) -> None:
    """Every call of the flow may fail once: the lead's review (a 500), the group post (a
    502) and the change of its count (a 429) are each waited out, and each lands once."""
    await lead_on_call(fake)
    fake.fail_next("sendMessage", 500, "Internal Server Error", times=2)
    fake.send_text(ALICE, f"/share {SHARED}", GROUP)
    review = await said(fake, LEAD, "A share for Calm Corner waits for your review")
    fake.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    fake.press(LEAD, review, button(review, "Approve")["callback_data"])
    post = await said(fake, GROUP, "A member shared:")
    fake.fail_next("editMessageText", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake.press(KIM, post, button(post, "I relate · 0")["callback_data"])
    await said(fake, ALICE, "1 member responded to your share #1.")
    await fake.wait_for(
        lambda: any("I relate · 1" in str(c.params) for c in fake.calls_of("editMessageText"))
    )

    def failed(method: str) -> int:  # calls_of(ok=False) lists them all, answered or not
        return len(fake.calls_of(method, ok=False)) - len(fake.calls_of(method))

    assert failed("sendMessage") == 4 and failed("editMessageText") == 1  # each fault met
    for needle, chat in ((SHARED, GROUP), ("waits for your review", LEAD)):
        found = {m["message_id"] for m in fake.messages_to(chat) if needle in m.get("text", "")}
        assert len(found) == 1  # each sent once (an edit keeps its message), never twice


async def test_a_reporter_who_never_opened_a_direct_chat_is_not_named_in_the_group(
    fake: FakeTelegram, haven: Haven
) -> None:
    """Bob never pressed Start: his answer cannot reach him privately, and the group gets no
    line naming him (for a check-in it would get one with a link); the lead still gets the
    report, and Bob's answer waits for his next /start."""
    await lead_on_call(fake)
    written = fake.send_text(KIM, SPAM, GROUP)["message"]
    typed = fake.send_text(BOB, "/report spam", GROUP, reply_to=written["message_id"])
    await said(fake, LEAD, "a message by Kim was reported")
    await fake.wait_for(lambda: (GROUP, typed["message"]["message_id"]) in fake.deleted)
    await asyncio.sleep(0.3)
    assert not any("Bob" in t or "start=" in t for t in texts(fake, GROUP))
    fake.set_started(BOB, True)
    fake.send_text(BOB, "/start")
    await said(fake, BOB, "The leads of Calm Corner have your report")
