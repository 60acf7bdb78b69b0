"""Fixtures of the Discord end-to-end tests: the fake gateway and REST API on 127.0.0.1, and
Haven running against it (the Telegram ones of the same names are one folder up)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakes.discord_api import FakeDiscord
from fakes.haven_discord import Endpoints, Haven, populate, start_haven, stop_haven
from shared import Databases


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    populate(server)
    with Endpoints():
        await server.start()
        yield server
        await server.stop()


@pytest.fixture
async def haven(fake: FakeDiscord, database: Databases) -> AsyncIterator[Haven]:
    running = await start_haven(fake, database("haven.db"))
    yield running
    await stop_haven(running)
