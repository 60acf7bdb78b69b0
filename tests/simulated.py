"""The real app on a simulated clock, with an adapter that records what the outbox sends.

Shared by the integration tests that run timed work (schedules, celebrations): `open_world`
builds the app exactly as production does, and `World.advance` fires everything due in order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from shared import connect

from bot.app import App, build
from bot.core.clock import SimulatedClock
from bot.core.messages import Actor, Place, Reply, Request, Via
from bot.delivery.outbox import Attempt
from bot.scheduler.jobs import Timeline
from bot.settings import Settings

PLATFORM = "test"


@dataclass
class Recorder:
    """A platform adapter that records what the outbox sends, and can be told to fail."""

    clock: SimulatedClock
    platform: str = PLATFORM
    sent: list[tuple[datetime, Reply]] = field(default_factory=list)
    fail: dict[str, Exception] = field(default_factory=dict)  # user/chat id -> error

    async def send(self, reply: Reply, *, attempt: Attempt | None = None) -> None:
        target = reply.to
        key = target.user_id if isinstance(target, Actor) else target.chat_id  # type: ignore[union-attr]
        if attempt is not None:
            await attempt()  # the request reaches the platform, which may then refuse it
        if key in self.fail:
            raise self.fail[key]
        self.sent.append((self.clock.now(), reply))

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def wait(self) -> None: ...
    async def deliver(self, replies: list[Reply]) -> None: ...


@dataclass
class World:
    app: App
    clock: SimulatedClock
    recorder: Recorder
    timeline: Timeline
    database: Path | str
    group: Place

    async def say(
        self,
        who: str,
        line: str,
        *,
        lead: bool = False,
        place: Place | None = None,
        via: Via = Via.COMMAND,
    ) -> str:
        name, _, text = line.lstrip("/").partition(" ")
        actor = Actor(PLATFORM, who, who.title())
        request = Request(name, text, actor, place or self.group, self.clock.now(), via, lead)
        return "\n".join(r.text for r in await self.app.handle(request))

    async def advance(self, until: datetime) -> None:
        await self.timeline.advance_to(until)

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with connect(self.database) as conn:
            return conn.execute(sql, params).fetchall()

    def posts(self) -> list[Reply]:
        """What went to a chat (not to a member's direct chat), in order."""
        return [r for _, r in self.recorder.sent if isinstance(r.to, Place)]

    def private_to(self, who: str) -> list[Reply]:
        return [r for _, r in self.recorder.sent if isinstance(r.to, Actor) and r.to.user_id == who]


async def open_world(
    database: Path | str, start: datetime, group: Place, *, seed: int = 1, **settings: Any
) -> World:
    clock = SimulatedClock(start)
    app = build(
        Settings(bot={"database": database}, **settings), clock=clock, rng=random.Random(seed)
    )
    recorder = Recorder(clock)
    app.add_adapter(recorder)  # type: ignore[arg-type]
    await app.start()

    async def settle() -> int:
        return await app.outbox.drain_due(PLATFORM)

    timeline = Timeline(app.timeline_jobs, clock, app.services, app.deliver, settle)
    await settle()
    return World(app, clock, recorder, timeline, database, group)
