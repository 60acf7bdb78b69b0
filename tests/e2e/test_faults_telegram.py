"""Faults on every Bot API method Haven calls to answer a member: /sos, a crisis text and a
check-in are each answered exactly once, through 500, 502, 429 and a dropped connection; a
crisis reply that fails past its live retries arrives through the outbox."""

from __future__ import annotations

import pytest
from fakes.haven_telegram import ALICE, GROUP, KIM, LEAD, Haven, start_haven, stop_haven
from fakes.telegram_api import DROP, FakeTelegram
from shared import Databases, connect

FAULTS = [
    pytest.param(500, "Internal Server Error", None, id="500"),
    pytest.param(502, "Bad Gateway", None, id="502"),
    pytest.param(429, "Too Many Requests: retry after 1", 1, id="429"),
    pytest.param(DROP, "dropped connection", None, id="dropped"),
]
ASKS = [
    pytest.param("/sos", "You're not alone", id="sos"),
    pytest.param("i want to end my life", "Thank you for telling me", id="crisis text"),
    pytest.param("/checkin 3 tired", "Recorded privately", id="check-in"),
]


def answers(fake: FakeTelegram, chat_id: int, needle: str) -> list[dict]:
    return [m for m in fake.messages_to(chat_id) if needle in m.get("text", "")]


@pytest.mark.parametrize(("status", "description", "retry_after"), FAULTS)
@pytest.mark.parametrize(("ask", "needle"), ASKS)
async def test_one_fault_on_send_message_is_waited_out(
    fake: FakeTelegram,
    haven: Haven,
    status: int,
    description: str,
    retry_after: int | None,
    ask: str,
    needle: str,
) -> None:
    fake.fail_next("sendMessage", status, description, retry_after=retry_after)
    fake.send_text(ALICE, ask)
    await fake.wait_for(lambda: bool(answers(fake, ALICE, needle)), timeout=15)
    await fake.wait_for_call("getUpdates", count=3)  # a little longer, for any duplicate
    assert len(answers(fake, ALICE, needle)) == 1
    failed = [c for c in fake.calls_of("sendMessage", ok=False) if c.status != 200]
    assert len(failed) == 1 and failed[0].status == status


@pytest.mark.parametrize(("ask", "needle"), ASKS[:2])
async def test_a_crisis_reply_outlasting_its_retries_comes_through_the_outbox(
    fake: FakeTelegram, haven: Haven, ask: str, needle: str
) -> None:
    fake.fail_next("sendMessage", 500, "Internal Server Error", times=6)
    fake.send_text(ALICE, ask)
    await fake.wait_for(lambda: bool(answers(fake, ALICE, needle)), timeout=30)
    await fake.wait_for_call("getUpdates", count=3)
    assert len(answers(fake, ALICE, needle)) == 1

    def settled() -> bool:
        with connect(haven.database) as conn:
            return conn.execute(
                "SELECT state FROM outbox WHERE key LIKE 'crisis:%'"
            ).fetchall() == [("sent",)]

    await fake.wait_for(settled, timeout=10)


async def test_a_crisis_text_in_a_group_is_answered_privately_through_faults(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    fake.send_text(ALICE, f"@{haven.adapter.username} i want to die", chat_id=GROUP)
    await fake.wait_for(lambda: bool(answers(fake, ALICE, "Thank you for telling me")), 15)
    assert not answers(fake, GROUP, "Thank you for telling me")


@pytest.mark.parametrize(("status", "description", "retry_after"), FAULTS)
async def test_a_button_press_is_answered_through_a_fault(
    fake: FakeTelegram,
    haven: Haven,
    status: int,
    description: str,
    retry_after: int | None,
) -> None:
    fake.send_text(ALICE, "/checkin")
    await fake.wait_for(lambda: bool(answers(fake, ALICE, "How are you feeling")), 10)
    (prompt,) = answers(fake, ALICE, "How are you feeling")
    data = prompt["reply_markup"]["inline_keyboard"][0][2]["callback_data"]
    fake.fail_next("sendMessage", status, description, retry_after=retry_after)
    fake.press(ALICE, prompt, data)
    await fake.wait_for(lambda: bool(answers(fake, ALICE, "Recorded privately")), 15)
    await fake.wait_for_call("getUpdates", count=3)
    assert len(answers(fake, ALICE, "Recorded privately")) == 1


@pytest.mark.parametrize(("status", "description", "retry_after"), FAULTS)
async def test_faults_at_start_up_are_waited_out(
    fake: FakeTelegram, database: Databases, status: int, description: str, retry_after: int | None
) -> None:
    for method in ("getMe", "setMyCommands", "deleteWebhook"):
        fake.fail_next(method, status, description, retry_after=retry_after)
    running = await start_haven(fake, database("start.db"))
    try:
        fake.send_text(ALICE, "/sos")
        await fake.wait_for(lambda: bool(answers(fake, ALICE, "You're not alone")), timeout=15)
        assert running.adapter.failure is None
        for method in ("getMe", "setMyCommands", "deleteWebhook"):
            failed = [c for c in fake.calls_of(method, ok=False) if c.status != 200]
            assert len(failed) == 1 and failed[0].status == status, method
    finally:
        await stop_haven(running)


RESTRICT_FAULTS = [
    pytest.param(500, "Internal Server Error", None, id="500"),
    pytest.param(502, "Bad Gateway", None, id="502"),
    pytest.param(429, "Too Many Requests: retry after 1", 1, id="429"),
]


@pytest.mark.parametrize(("status", "description", "retry_after"), RESTRICT_FAULTS)
async def test_the_rules_gate_outlasts_a_fault_on_restricting_and_lifting(
    fake: FakeTelegram, haven: Haven, status: int, description: str, retry_after: int | None
) -> None:
    """A newcomer is made read-only and let write again though Telegram fails each call once:
    the gate never tells a member they may write while Telegram still holds them back."""
    room = GROUP - 7
    fake.add_group(room, "Open Room", admins=[LEAD, fake.bot_id], creator=LEAD)
    fake.send_text(LEAD, "/rules gate restrict", chat_id=room)
    await fake.wait_for(lambda: bool(answers(fake, LEAD, "Newcomers read only")), timeout=15)

    fake.fail_next("restrictChatMember", status, description, retry_after=retry_after)
    fake.join(KIM, room)
    await fake.wait_for(lambda: bool(answers(fake, room, "Welcome, Kim")), timeout=15)
    [welcome] = answers(fake, room, "Welcome, Kim")
    assert "which lets you write here" in welcome["text"] and "could not" not in welcome["text"]
    assert fake.restricted[(room, KIM)]["can_send_messages"] is False

    fake.fail_next("restrictChatMember", status, description, retry_after=retry_after)
    agree = welcome["reply_markup"]["inline_keyboard"][0][1]
    fake.press(KIM, welcome, agree["callback_data"])
    await fake.wait_for(lambda: bool(answers(fake, KIM, "agreement to the ground rules")), 15)
    assert "You can write in the group now." in answers(fake, KIM, "agreement")[0]["text"]
    assert (room, KIM) not in fake.restricted
    tried = fake.calls_of("restrictChatMember", ok=False)  # every call, answered or not
    assert [c.status for c in tried] == [status, 200, status, 200]
