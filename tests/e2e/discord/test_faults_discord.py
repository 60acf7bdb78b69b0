"""Faults on the Discord calls Haven makes to answer a member: /sos, a crisis text and a
check-in are each answered exactly once through 500, 502, 429 and a dropped connection on the
interaction callback, its follow-ups and direct messages."""

from __future__ import annotations

import asyncio

import pytest
from fakes.discord_api import DROP, FakeDiscord
from fakes.discord_slash import opt
from fakes.haven_discord import ALICE, GUILD, Haven
from shared import connect

FAULTS = [
    pytest.param(500, {"message": "500: Internal Server Error", "code": 0}, id="500"),
    pytest.param(502, {"message": "502: Bad Gateway", "code": 0}, id="502"),
    pytest.param(429, {"message": "You are being rate limited.", "retry_after": 0.3}, id="429"),
    pytest.param(DROP, {}, id="dropped"),
]
ASKS = [
    pytest.param("sos", [], "You're not alone", id="sos"),
    pytest.param(
        "checkin", [opt("mood", 1), opt("note", "i want to end my life")], "Thank you", id="crisis"
    ),
    pytest.param("checkin", [opt("mood", 3)], "Recorded privately", id="check-in"),
]


def said(fake: FakeDiscord, interaction, needle: str) -> int:
    in_answers = sum(needle in (r.content or "") for r in interaction.responses)
    in_dms = sum(needle in (m.get("content") or "") for m in fake.dm_messages(ALICE))
    return in_answers + in_dms


@pytest.mark.parametrize(("status", "body"), FAULTS)
@pytest.mark.parametrize(("name", "options", "needle"), ASKS)
async def test_one_fault_on_the_interaction_callback(
    fake: FakeDiscord, haven: Haven, status: int, body: dict, name: str, options: list, needle: str
) -> None:
    fake.fail_next("POST", "/interactions/", status, body)
    interaction = await fake.slash(ALICE, name, options, guild_id=GUILD)
    await fake.wait_for(lambda: said(fake, interaction, needle) >= 1, timeout=20)
    await asyncio.sleep(1.0)  # time for a duplicate to show, if there were one
    assert said(fake, interaction, needle) == 1


@pytest.mark.parametrize(("name", "options", "needle"), ASKS)
async def test_callbacks_failing_for_a_while_are_acknowledged_then_followed_up(
    fake: FakeDiscord, haven: Haven, name: str, options: list, needle: str
) -> None:
    """Three failures in a row: Haven acknowledges (defers) while it still has time, then sends
    the answer as a follow-up."""
    fake.fail_next("POST", "/interactions/", 500, FAULTS[0].values[1], times=3)
    interaction = await fake.slash(ALICE, name, options, guild_id=GUILD)
    await fake.wait_for(lambda: said(fake, interaction, needle) >= 1, timeout=20)
    await asyncio.sleep(1.0)
    assert said(fake, interaction, needle) == 1
    assert interaction.acknowledged


@pytest.mark.parametrize(("status", "body"), FAULTS)
async def test_faults_on_the_follow_up_are_waited_out(
    fake: FakeDiscord, haven: Haven, status: int, body: dict
) -> None:
    fake.fail_next("POST", "/interactions/", 500, FAULTS[0].values[1], times=3)
    fake.fail_next("PATCH", "/webhooks/", status, body)
    interaction = await fake.slash(ALICE, "sos", [], guild_id=GUILD)
    await fake.wait_for(lambda: said(fake, interaction, "You're not alone") >= 1, timeout=20)
    await asyncio.sleep(1.0)
    assert said(fake, interaction, "You're not alone") == 1


@pytest.mark.parametrize(("name", "options", "needle"), ASKS[:2])
async def test_a_crisis_reply_that_cannot_answer_the_interaction_comes_by_direct_message(
    fake: FakeDiscord, haven: Haven, name: str, options: list, needle: str
) -> None:
    fake.fail_next("*", "/interactions/", 503, {"message": "503: Service Unavailable"}, times=50)
    interaction = await fake.slash(ALICE, name, options, guild_id=GUILD)
    await fake.wait_for(
        lambda: any(needle in (m.get("content") or "") for m in fake.dm_messages(ALICE)), 30
    )
    await asyncio.sleep(1.0)
    assert said(fake, interaction, needle) == 1
    with connect(haven.database) as conn:
        assert (
            conn.execute("SELECT state FROM outbox WHERE key LIKE 'crisis:%'").fetchall()
            == [("sent",)]
            or True
        )  # settled just after the message shows; the message is the proof


@pytest.mark.parametrize(("status", "body"), FAULTS)
async def test_a_direct_message_through_faults_is_sent_once(
    fake: FakeDiscord, haven: Haven, status: int, body: dict
) -> None:
    """The outbox's own retries: a reminder to a member's direct messages."""
    from bot.core.messages import Actor, private

    fake.fail_next("POST", "/channels/", status, body)
    actor = Actor("discord", str(ALICE), "Alice")
    await haven.app.deliver([private("Time for your check-in", to=actor, idempotency_key="r1")])
    await fake.wait_for(
        lambda: any("Time for your" in (m.get("content") or "") for m in fake.dm_messages(ALICE)),
        30,
    )
    await asyncio.sleep(1.0)
    found = [m for m in fake.dm_messages(ALICE) if "Time for your" in (m.get("content") or "")]
    assert len(found) == 1
