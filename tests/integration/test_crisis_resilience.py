"""The crisis reply and /sos answer even when the database is down or stuck."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from shared import Databases, query

from bot.app import App, build
from bot.core.clock import SimulatedClock
from bot.core.messages import Actor, Place, Priority, Request, Via
from bot.settings import Settings

DM = Place("test", "kim", is_direct=True)


@pytest.fixture
async def app(database: Databases) -> AsyncIterator[App]:
    clock = SimulatedClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    running = build(
        Settings(bot={"database": database("c.db"), "country": "GB"}),
        clock=clock,
        rng=random.Random(0),
    )
    await running.start()
    yield running
    await running.close()


def request(text: str, command: str = "", via: Via = Via.TEXT) -> Request:
    return Request(
        command, text, Actor("test", "kim", "Kim"), DM, datetime(2026, 3, 2, 9, tzinfo=UTC), via
    )


async def test_crisis_reply_with_the_database_closed(app: App) -> None:
    await app.services.db.close()
    (reply,) = await app.handle(request("i want to end it all"))
    assert reply.private and reply.priority is Priority.CRISIS
    assert "999" in reply.text and "116 123" in reply.text  # the maintainer's default country
    (sos,) = await app.handle(request("", "sos", Via.COMMAND))
    assert "116 123" in sos.text


async def test_crisis_reply_does_not_wait_for_a_stuck_database(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def stuck(*args: object) -> None:
        await asyncio.sleep(30)

    monkeypatch.setattr(app.services.people.members, "find", stuck)
    started = time.monotonic()
    (reply,) = await app.handle(request("I want to die"))
    assert time.monotonic() - started < 2.0
    assert "You're not alone" in reply.text and "999" in reply.text


async def test_the_triggering_text_is_never_stored(database: Databases, app: App) -> None:
    await app.handle(request("/consent yes", "consent", Via.COMMAND))
    await app.handle(request("yes", "consent", Via.COMMAND))
    (reply,) = await app.handle(request("2 tired i want to die", "checkin", Via.COMMAND))
    assert reply.priority is Priority.CRISIS
    await app.services.db.close()
    where = database("c.db")
    if isinstance(where, Path):  # every byte of the file and its log
        wal = where.with_name(where.name + "-wal")
        data = where.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    else:  # every row of every table, as text
        tables = query(where, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        data = "".join(
            str(query(where, f"SELECT t::text FROM {name} t")) for (name,) in tables
        ).encode()
    assert b"want to die" not in data
