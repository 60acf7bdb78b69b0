"""A chart that cannot be drawn costs nothing but the picture: the words still arrive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import simulated
from shared import Databases
from simulated import World

from bot.core.messages import Actor, Place, Reply, Request
from commands.mood import NO_PICTURE

GROUP = Place(simulated.PLATFORM, "g1", is_direct=False, community_id="g1", title="Group")


@pytest.fixture
async def world(database: Databases) -> AsyncIterator[World]:
    w = await simulated.open_world(
        database("f.db"), datetime(2026, 10, 19, 8, 0, tzinfo=UTC), GROUP
    )

    async def broken(draw: Any, data: Any) -> bytes:
        raise RuntimeError("the renderer is down")

    w.app.services.charts.render = broken  # type: ignore[method-assign]
    yield w
    await w.app.close()


async def ask(world: World, who: str, line: str, *, lead: bool = False) -> list[Reply]:
    name, _, text = line.lstrip("/").partition(" ")
    actor = Actor(simulated.PLATFORM, who, who.title())
    return await world.app.handle(
        Request(name, text, actor, GROUP, world.clock.now(), is_lead=lead)
    )


async def test_mood_chart_falls_back_to_its_words(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await world.say("kim", "/consent yes")
    await world.say("kim", "/checkin 4 calm")
    (reply,) = await ask(world, "kim", "/mood chart 7")
    assert reply.private and reply.attachment is None
    assert "In words: 1 check-in on 1 of 7 days" in reply.text
    assert reply.text.endswith(NO_PICTURE)
    assert "drawing mood-7-days-" in caplog.text


async def test_summary_falls_back_to_its_words(world: World) -> None:
    for n, mood in enumerate([2, 3, 3, 4, 3]):
        await world.say(f"m{n}", "/consent yes")
        await world.say(f"m{n}", f"/checkin {mood}")
    await world.advance(datetime(2026, 10, 26, 8, 0, tzinfo=UTC))
    (reply,) = await ask(world, "lee", "/summary", lead=True)
    assert reply.private and reply.attachment is None
    assert "Week of 19 Oct: 5 members, 5 check-ins, average 3.0" in reply.text
    assert reply.text.endswith(NO_PICTURE)
