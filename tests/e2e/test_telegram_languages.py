"""Telegram in the member's language: a menu of commands per language, and a member whose app
reports Spanish is answered in Spanish without setting anything."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakes.haven_telegram import Haven, start_haven, stop_haven
from fakes.members import consent_all
from fakes.telegram_api import FakeTelegram
from shared import Databases

from bot import i18n

SOFIA = 1077  # her Telegram app is in Spanish (es-419 is how some clients report it)


@pytest.fixture
async def haven(fake: FakeTelegram, database: Databases) -> AsyncIterator[Haven]:
    fake.add_user(SOFIA, "Sofía", language_code="es-419")
    running = await start_haven(fake, database("haven.db"))
    await consent_all(running.app, "telegram", {SOFIA: "Sofía"})
    yield running
    await stop_haven(running)


async def test_each_language_has_its_menu(fake: FakeTelegram, haven: Haven) -> None:
    menus: dict[str | None, dict[str, str]] = {}
    for command in fake.commands:
        menus.setdefault(command.get("language_code"), {})[command["command"]] = command[
            "description"
        ]
    assert set(menus) == {None, "es", "de", "fr", "pt"}
    assert all(set(menu) == set(menus[None]) for menu in menus.values())  # same names
    with i18n.use("pt_BR"):
        assert menus["pt"]["checkin"] == i18n._(menus[None]["checkin"]) != menus[None]["checkin"]


async def test_a_member_whose_app_is_in_spanish_gets_spanish(
    fake: FakeTelegram, haven: Haven
) -> None:
    fake.send_text(SOFIA, "/checkin 4")
    await fake.wait_for(
        lambda: any("Guardado en privado" in m.get("text", "") for m in fake.messages_to(SOFIA))
    )
    assert not any("Recorded" in m.get("text", "") for m in fake.messages_to(SOFIA))
