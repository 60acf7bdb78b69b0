"""The shared bad-input cases through the real python-telegram-bot against the fake Bot API
(see tests/bad_input.py), commands addressed to another bot, and a reply longer than
Telegram's limit counted in UTF-16 units."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from bad_input import cases, check_answer, fingerprint
from fakes.haven_telegram import ALICE, GROUP, LEAD, Haven, start_haven, stop_haven
from fakes.telegram_api import FakeTelegram
from shared import Databases

from adapters.telegram.limits import FloodLimiter

BIG = "y" * 4000  # Telegram carries at most 4,096 characters a message
TELEGRAM_LIMIT = 4096
SPEED = 20.0


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.fixture
async def haven(fake: FakeTelegram, database: Databases) -> AsyncIterator[Haven]:
    """Haven without the per-member command cooldown, one member sending every case in turn;
    the fake's flood limits and Haven's limiter both run on a clock 20 times faster (one
    message a chat every 50 ms), so the sequence takes seconds, not a minute."""
    fake.speed = SPEED
    limiter = FloodLimiter(
        clock=lambda: time.monotonic() * SPEED, sleep=lambda s: asyncio.sleep(s / SPEED)
    )
    running = await start_haven(
        fake, database("haven.db"), limiter=limiter, limits={"commands_per_minute": 0}
    )
    yield running
    await stop_haven(running)


async def next_message(fake: FakeTelegram, chat_id: int, seen: int) -> dict:
    await fake.wait_for(lambda: len(fake.messages_to(chat_id)) > seen)
    return fake.messages_to(chat_id)[seen]


async def test_bad_input_cases_are_refused_and_nothing_is_stored(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.send_text(LEAD, "/rules", chat_id=GROUP)  # the group exists, with its default rules
    await fake.wait_for(lambda: len(fake.messages_to(GROUP)) == 1)
    before = fingerprint(haven.database)
    in_group = len(fake.messages_to(GROUP))

    for case in cases(BIG):
        actor = LEAD if case.lead else ALICE
        seen = len(fake.messages_to(actor))
        fake.send_text(actor, case.line, chat_id=GROUP if case.lead else None)
        answer = await next_message(fake, actor, seen)
        check_answer(case, answer["text"])
        assert "reply_markup" not in answer, case.line[:80]

    await asyncio.sleep(0.3)  # nothing else arrives late
    answered = len(cases(BIG))
    lead_cases = sum(case.lead for case in cases(BIG))
    assert len(fake.messages_to(LEAD)) == lead_cases
    assert len(fake.messages_to(ALICE)) == answered - lead_cases
    assert len(fake.messages_to(GROUP)) == in_group
    assert fingerprint(haven.database) == before


async def test_commands_addressed_to_another_bot_are_ignored(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.send_text(ALICE, "/checkin@OtherBot 4")
    fake.send_text(ALICE, "/help@OtherBot", chat_id=GROUP)
    fake.send_text(ALICE, f"/checkin@{fake.bot_username} 3")
    await fake.wait_for(lambda: len(fake.messages_to(ALICE)) >= 1)
    await asyncio.sleep(0.3)
    (reply,) = fake.messages_to(ALICE)
    assert "Recorded privately" in reply["text"] and "3 (okay)" in reply["text"]
    assert fake.messages_to(GROUP) == []
    assert fingerprint(haven.database)["checkins"][0][1] == 3
    assert len(fingerprint(haven.database)["checkins"]) == 1


async def test_a_resource_list_over_the_limit_in_utf16_is_split(
    fake: FakeTelegram, haven: Haven
) -> None:
    # Each title and description is emoji: one code point, two UTF-16 units. The list is
    # under 4,096 code points and well over 4,096 UTF-16 units.
    for n in range(10):
        seen = len(fake.messages_to(LEAD))
        title = "🌙" * 90
        fake.send_text(
            LEAD,
            f'/resources add sleep https://example.org/night-{n} "{title}" {"💤" * 150}',
            chat_id=GROUP,
        )
        added = await next_message(fake, LEAD, seen)
        assert "Added" in added["text"], added["text"]

    seen = len(fake.messages_to(ALICE))
    fake.send_text(ALICE, "/resources sleep", chat_id=GROUP)  # answered in the direct chat
    await fake.wait_for(lambda: len(fake.messages_to(ALICE)) >= seen + 2)
    await asyncio.sleep(0.3)
    parts = [m["text"] for m in fake.messages_to(ALICE)[seen:]]
    assert all(utf16(part) <= TELEGRAM_LIMIT for part in parts)
    # Counted in code points the list would fit in one message; in UTF-16 units it does not.
    assert sum(len(part) for part in parts) < TELEGRAM_LIMIT < sum(utf16(p) for p in parts)
    whole = "\n".join(parts)
    assert all(f"https://example.org/night-{n}" in whole for n in range(10))
