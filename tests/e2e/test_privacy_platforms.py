"""Privacy and abuse-proofing through the real platform libraries: /mydata and /forgetme stay
private when typed in a group, hostile text is shown inert, the cooldown answers once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fakes.discord_api import FakeDiscord
from fakes.haven_discord import GUILD, Endpoints
from fakes.haven_discord import Haven as DiscordHaven
from fakes.haven_discord import populate as populate_discord
from fakes.haven_discord import start_haven as start_discord
from fakes.haven_discord import stop_haven as stop_discord
from fakes.haven_telegram import ALICE, GROUP, Haven
from fakes.telegram_api import FakeTelegram
from shared import Databases, connect

from bot.core.cooldown import Cooldown

DISCORD_ALICE = 910000000000000002


def rows(database: Path, sql: str) -> list[tuple]:
    with connect(database) as conn:
        return conn.execute(sql).fetchall()


# -- Telegram --------------------------------------------------------------------------------
async def test_telegram_mydata_typed_in_a_group_arrives_only_in_the_direct_chat(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.send_text(ALICE, "/checkin 4 tired a private note")
    await fake.wait_for(
        lambda: any("Recorded" in m.get("text", "") for m in fake.messages_to(ALICE))
    )
    fake.send_text(ALICE, "/mydata", chat_id=GROUP)
    await fake.wait_for(lambda: any("document" in m for m in fake.messages_to(ALICE)))
    document = next(c for c in fake.calls if c.method == "sendDocument")
    assert document.params["chat_id"] == ALICE
    assert not any("document" in m for m in fake.messages_to(GROUP))
    assert not any("JSON" in m.get("text", "") for m in fake.messages_to(GROUP))


async def test_telegram_forgetme_asks_then_erases(fake: FakeTelegram, haven: Haven) -> None:
    fake.send_text(ALICE, "/checkin 3")
    await fake.wait_for(lambda: rows(haven.database, "SELECT COUNT(*) FROM checkins") == [(1,)])
    fake.send_text(ALICE, "/forgetme")
    await fake.wait_for(
        lambda: any("Are you sure" in m.get("text", "") for m in fake.messages_to(ALICE))
    )
    question = next(m for m in fake.messages_to(ALICE) if "Are you sure" in m.get("text", ""))
    fake.press(ALICE, question, question["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    await fake.wait_for(lambda: any("erased" in m.get("text", "") for m in fake.messages_to(ALICE)))
    assert rows(haven.database, "SELECT COUNT(*) FROM checkins") == [(0,)]
    assert rows(haven.database, "SELECT COUNT(*) FROM members WHERE user_id = '1001'") == [(0,)]


async def test_telegram_cooldown_answers_once(fake: FakeTelegram, haven: Haven) -> None:
    # A low limit keeps the test short: each answer waits out Telegram's 1 message/s per chat.
    haven.app.dispatcher.cooldown = Cooldown(3)
    for _ in range(7):
        fake.send_text(ALICE, "/privacy")

    def count(words: str) -> int:
        return sum(words in m.get("text", "") for m in fake.messages_to(ALICE))

    # Answers wait out Telegram's 1 message/s per chat; the notice may come before them.
    await fake.wait_for(
        lambda: (
            count("What Haven stores about you") == 3 and count("faster than I can keep up") == 1
        ),
        timeout=60,
    )
    await asyncio.sleep(1.5)  # room for a wrongly sent fourth answer or second notice
    assert count("What Haven stores about you") == 3
    assert count("faster than I can keep up") == 1
    fake.send_text(ALICE, "/sos")
    await fake.wait_for(
        lambda: any("You're not alone" in m.get("text", "") for m in fake.messages_to(ALICE)),
        timeout=60,
    )


# -- Discord ---------------------------------------------------------------------------------
@pytest.fixture
async def discord_world(database: Databases) -> AsyncIterator[tuple[FakeDiscord, DiscordHaven]]:
    server = FakeDiscord()
    populate_discord(server)
    with Endpoints():
        await server.start()
        running = await start_discord(server, database("d.db"))
        yield server, running
        await stop_discord(running)
        await server.stop()


async def test_discord_mydata_is_an_ephemeral_file(
    discord_world: tuple[FakeDiscord, DiscordHaven],
) -> None:
    fake, _haven = discord_world
    interaction = await fake.slash(
        DISCORD_ALICE, "checkin", [{"type": 4, "name": "mood", "value": 4}], guild_id=GUILD
    )
    await fake.wait_responses(interaction, 1)
    interaction = await fake.slash(DISCORD_ALICE, "mydata", guild_id=GUILD)
    (response,) = await fake.wait_responses(interaction, 1)
    assert response.ephemeral
    attachments = (
        response.payload.get("data", {}).get("attachments")
        or response.payload.get("attachments")
        or []
    )
    assert attachments and attachments[0]["filename"] == "haven-my-data.json"


async def test_discord_hostile_note_is_inert(
    discord_world: tuple[FakeDiscord, DiscordHaven],
) -> None:
    fake, haven = discord_world
    note = "'); DROP TABLE checkins;-- @everyone \u202egnp.exe \x00"
    interaction = await fake.slash(
        DISCORD_ALICE,
        "checkin",
        [{"type": 4, "name": "mood", "value": 3}, {"type": 3, "name": "note", "value": note}],
        guild_id=GUILD,
    )
    (response,) = await fake.wait_responses(interaction, 1)
    assert "Recorded privately" in response.content and response.pings == []
    ((stored,),) = rows(haven.database, "SELECT note FROM checkins")
    assert "DROP TABLE" in stored and "\u202e" not in stored and "\x00" not in stored
    if haven.app.services.db.dialect == "sqlite":
        assert rows(haven.database, "PRAGMA integrity_check") == [("ok",)]
    assert json.dumps(stored)  # still valid text
