"""Composition root: build(settings) wires storage, services, registry, jobs and adapters.

Nothing else creates services, so tests and the console get exactly what production gets,
only with a different clock or database path.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from adapters.base import Adapter
from bot.catalog import Catalog, load_catalog
from bot.core.clock import Clock, SystemClock
from bot.core.dispatcher import Dispatcher
from bot.core.messages import Actor, Place, Reply, Request
from bot.core.registry import Registry
from bot.scheduler.jobs import Job
from bot.services.checkins import CheckinService
from bot.services.container import Services
from bot.services.helplines import HelplineService
from bot.services.milestones import MilestoneService
from bot.services.people import PeopleService
from bot.services.resources import ResourceService
from bot.services.rules import RuleService
from bot.settings import Settings
from bot.storage.checkins import CheckinRepo
from bot.storage.database import Database
from bot.storage.inbound import InboundLedger
from bot.storage.milestones import MilestoneRepo
from bot.storage.people import CommunityRepo, MemberRepo
from bot.storage.resources import ResourceRepo
from bot.storage.rules import RuleRepo

log = logging.getLogger(__name__)

JoinHandler = Callable[[Services, Actor, Place], Awaitable[list[Reply]]]


@dataclass
class App:
    services: Services
    registry: Registry
    dispatcher: Dispatcher
    jobs: list[Job]
    on_join: JoinHandler
    inbound: InboundLedger
    adapters: dict[str, Adapter] = field(default_factory=dict)
    started: bool = field(default=False)

    async def start(self) -> None:
        await self.services.db.open()
        await self.services.resources.load()
        self.started = True

    async def close(self) -> None:
        await self.services.db.close()
        self.started = False

    async def handle(self, request: Request) -> list[Reply]:
        return await self.dispatcher.handle(request)

    async def first_delivery(self, platform: str, update_id: str) -> bool:
        """False for an update already handled (a platform redelivered it after a restart)."""
        return await self.inbound.first_time(platform, update_id, self.services.clock.now())

    async def deliver(self, replies: list[Reply]) -> None:
        """Send replies that name their target (jobs, celebrations) through their platform."""
        by_platform: dict[str, list[Reply]] = {}
        for reply in replies:
            target = reply.to
            if target is None:
                log.error("a reply without a target cannot be delivered: %.40r", reply.text)
                continue
            by_platform.setdefault(target.platform, []).append(reply)
        for platform, batch in by_platform.items():
            adapter = self.adapters.get(platform)
            if adapter is None:
                log.warning("no %s adapter running; %d replies not sent", platform, len(batch))
                continue
            await adapter.deliver(batch)

    async def member_joined(self, actor: Actor, place: Place) -> list[Reply]:
        try:
            return await self.on_join(self.services, actor, place)
        except Exception:
            log.exception("welcome for a new member failed")
            return []


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    catalog: Catalog | None = None,
) -> App:
    from commands import all_commands, all_jobs
    from commands.rules import welcome
    from commands.safety import crisis_screen, plain_text

    clock = clock or SystemClock()
    catalog = catalog or load_catalog()
    db = Database(settings.bot.database)
    members, communities = MemberRepo(db), CommunityRepo(db)
    people = PeopleService(
        members, communities, catalog, clock, settings.bot.timezone, settings.bot.country
    )
    milestone_repo = MilestoneRepo(db)
    registry = Registry(all_commands())
    services = Services(
        settings=settings,
        clock=clock,
        catalog=catalog,
        db=db,
        people=people,
        checkins=CheckinService(CheckinRepo(db), milestone_repo),
        resources=ResourceService(ResourceRepo(db), catalog, rng or random.Random()),
        helplines=HelplineService(catalog),
        rules=RuleService(RuleRepo(db), communities, catalog.rules),
        milestones=MilestoneService(milestone_repo, people),
        rng=rng or random.Random(),
        registry=registry,
    )
    dispatcher = Dispatcher(registry, services, screen=crisis_screen, on_text=plain_text)
    return App(services, registry, dispatcher, all_jobs(), welcome, InboundLedger(db))
