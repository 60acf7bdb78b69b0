"""Discord in the member's language: the synced commands carry every language's descriptions
(names unchanged), and an interaction from a client set to German is answered in German
without the member setting anything."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakes.discord_api import FakeDiscord
from fakes.discord_slash import opt
from fakes.haven_discord import ALICE, GUILD, Haven, start_haven, stop_haven
from shared import Databases

from bot import i18n


@pytest.fixture
async def haven(fake: FakeDiscord, database: Databases) -> AsyncIterator[Haven]:
    running = await start_haven(fake, database("haven.db"))
    yield running
    await stop_haven(running)


async def test_synced_commands_carry_each_languages_descriptions(
    fake: FakeDiscord, haven: Haven
) -> None:
    synced = {c["name"]: c for c in fake.commands["global"] if c["type"] == 1}
    checkin = synced["checkin"]
    localized = checkin["description_localizations"]
    assert set(localized) == {"es-ES", "es-419", "de", "fr", "pt-BR"}
    with i18n.use("de"):
        assert localized["de"] == i18n._(checkin["description"]) != checkin["description"]
    assert localized["es-ES"] == localized["es-419"]
    mood = checkin["options"][0]
    assert mood["name"] == "mood" and mood["description_localizations"]["de"]
    # Names are the same in every language; every description was accepted (1-100, known
    # locale), sub-commands included.
    assert set(synced) == {c.name for c in haven.app.registry}
    for command in synced.values():
        for sub in command.get("options") or []:
            if sub.get("type") == 1:
                assert set(sub["description_localizations"]) == set(localized)


async def test_an_interaction_in_german_is_answered_in_german(
    fake: FakeDiscord, haven: Haven
) -> None:
    interaction = await fake.slash(ALICE, "checkin", [opt("mood", 4)], guild_id=GUILD, locale="de")
    response = (await fake.wait_responses(interaction, 1))[0]
    assert response.ephemeral
    assert "Privat gespeichert" in response.content and "Recorded" not in response.content
    english = await fake.slash(ALICE, "checkin", [opt("mood", 3)], guild_id=GUILD)
    assert "Recorded privately" in (await fake.wait_responses(english, 1))[0].content
