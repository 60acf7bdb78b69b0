"""Fixtures of the Discord end-to-end tests: the fake gateway and REST API on 127.0.0.1, and
Haven running against it (the Telegram ones of the same names are one folder up)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fakes.discord_api import FakeDiscord
from fakes.haven_discord import Endpoints, Haven, populate, start_haven, stop_haven


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    populate(server)
    with Endpoints():
        await server.start()
        yield server
        await server.stop()


@pytest.fixture
async def haven(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Haven]:
    running = await start_haven(fake, tmp_path / "haven.db")
    yield running
    await stop_haven(running)
