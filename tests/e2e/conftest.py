"""Fixtures for end-to-end tests: the fake Telegram Bot API on 127.0.0.1 and Haven's real
Telegram adapter (python-telegram-bot) talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakes.haven_telegram import Haven, populate, start_haven, stop_haven
from fakes.telegram_api import FakeTelegram
from shared import Databases


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    populate(server)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def haven(fake: FakeTelegram, database: Databases) -> AsyncIterator[Haven]:
    running = await start_haven(fake, database("haven.db"))
    yield running
    await stop_haven(running)
