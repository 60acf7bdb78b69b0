"""Composition root: build(settings) wires storage, services, registry, jobs and adapters.

Nothing else creates services, so tests and the console get exactly what production gets,
only with a different clock or database path.
"""

from __future__ import annotations

import gc
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from adapters.base import Adapter
from bot.catalog import Catalog, load_catalog
from bot.charts.renderer import ChartRenderer
from bot.core.clock import Clock, SystemClock
from bot.core.cooldown import Cooldown
from bot.core.dispatcher import Dispatcher
from bot.core.messages import Actor, Place, Priority, Reply, Request
from bot.core.registry import Registry
from bot.delivery.outbox import Outbox
from bot.scheduler.jobs import Job
from bot.scheduler.runner import ScheduleRunner
from bot.services.alerts import LeadAlerts
from bot.services.checkins import CheckinService
from bot.services.community_milestones import CommunityMilestoneService
from bot.services.container import Services
from bot.services.events import EventService
from bot.services.helplines import HelplineService
from bot.services.invites import InviteService
from bot.services.kudos import KudosService
from bot.services.milestones import MilestoneService
from bot.services.people import PeopleService
from bot.services.polls import PollService
from bot.services.privacy import PrivacyService
from bot.services.prompts import PromptService
from bot.services.reports import ReportService
from bot.services.resources import ResourceService
from bot.services.rules import RuleService
from bot.services.safety import SafetyService
from bot.services.safety_plans import SafetyPlanService
from bot.services.schedules import ScheduleService
from bot.services.shares import ShareService
from bot.services.support import SupportService
from bot.settings import Settings
from bot.storage.checkins import CheckinRepo
from bot.storage.community_milestones import CommunityMilestoneRepo
from bot.storage.engine import open_engine
from bot.storage.events import EventRepo
from bot.storage.inbound import InboundLedger
from bot.storage.invalidation import OUTBOX
from bot.storage.invites import InviteRepo
from bot.storage.kudos import KudosRepo
from bot.storage.milestones import MilestoneRepo
from bot.storage.outbox import CRISIS, NORMAL, OutboxItem, OutboxRepo
from bot.storage.people import CommunityRepo, MemberRepo
from bot.storage.polls import PollRepo
from bot.storage.posts import PostRepo
from bot.storage.privacy import PrivacyRepo
from bot.storage.reports import ReportRepo
from bot.storage.resources import ResourceRepo
from bot.storage.rules import RuleRepo
from bot.storage.safety_plans import SafetyPlanRepo
from bot.storage.schedules import ScheduleRepo
from bot.storage.shares import ShareRepo
from bot.storage.support import SupportRepo

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
    outbox: Outbox
    schedules: ScheduleRunner
    posts: PostRepo  # where kept posts went: the adapters' to read and write
    adapters: dict[str, Adapter] = field(default_factory=dict)
    started: bool = field(default=False)

    async def start(self) -> None:
        """Open the database and catch up; on failure what was opened is closed again (an
        open connection's thread would keep the process from exiting)."""
        await self.services.db.open()
        try:
            await self.services.resources.load()
            await self.schedules.catch_up()
        except BaseException:
            await self.services.db.close()
            raise
        # What is loaded by now (the crisis screen's model and rules, hundreds of thousands of
        # objects) lives as long as the process: frozen out of the garbage collector's reach,
        # a full collection no longer walks it, which stalled the event loop by 0.3-0.5 s.
        # Once a process: the screen is built once a process too, and the collection before
        # freezing costs 0.2 s (a process that builds many apps, as tests do, pays it once).
        self.services.safety.verdict("warming up: how are you today? ¿cómo estás?")  # its caches
        if not gc.get_freeze_count():
            gc.collect()
            gc.freeze()
        self.started = True

    def add_adapter(self, adapter: Adapter) -> None:
        """An adapter answers requests itself; timed messages reach it through the outbox."""
        self.adapters[adapter.platform] = adapter
        self.outbox.register(adapter.platform, adapter.send)

    async def start_delivery(self) -> None:
        await self.outbox.start()

    async def close(self) -> None:
        await self.outbox.stop()
        await self.services.db.close()
        await self.services.charts.stop()
        self.started = False

    async def handle(self, request: Request) -> list[Reply]:
        return await self.dispatcher.handle(request)

    async def peers(self) -> int:
        """How many processes serve the same bots now (sharing their rate limits)."""
        return await self.services.db.peers()

    async def flood_wait(self, platform: str, cap: int, window: float) -> float:
        """A place among every process's sends to `platform` (0), or the seconds to wait for
        one: the platforms' flood limits are the bot's, not one process's."""
        return await self.services.db.flood_wait(platform, cap, window)

    async def first_delivery(self, platform: str, update_id: str) -> bool:
        """False for an update already handled (a platform redelivered it after a restart)."""
        return await self.inbound.first_time(platform, update_id, self.services.clock.now())

    async def deliver(self, replies: list[Reply]) -> None:
        """Queue replies that name their target (celebrations, jobs) in the outbox."""
        await _queue(self.outbox, replies)

    async def timeline_jobs(self) -> list[Job]:
        """Everything timed, for the simulated clock: fixed jobs and each active schedule."""
        return [*self.jobs, *await self.schedules.jobs()]

    async def chat_moved(self, platform: str, old: str, new: str) -> None:
        """A platform moved a group to a new chat id (Telegram: a group became a supergroup):
        its rules, schedules and settings follow (a schedule's row is read again at each
        firing, so the plan needs no change)."""
        if await self.services.people.chat_moved(platform, old, new):
            log.warning("a %s group moved to a new chat id; its data followed", platform)

    async def member_joined(self, actor: Actor, place: Place) -> list[Reply]:
        try:
            return await self.on_join(self.services, actor, place)
        except Exception:
            log.exception("welcome for a new member failed")
            return []


async def _queue(outbox: Outbox, replies: list[Reply]) -> None:
    items = []
    for reply in replies:
        if reply.to is None:
            log.error("a reply without a target cannot be delivered: %.40r", reply.text)
            continue
        key = reply.idempotency_key or f"reply:{uuid.uuid4().hex}"
        priority = CRISIS if reply.priority is Priority.CRISIS else NORMAL
        items.append(OutboxItem(key, reply, None, priority))
    if items:
        await outbox.enqueue(items)


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    catalog: Catalog | None = None,
    cooldown: bool = True,
) -> App:
    """`cooldown=False` for the console: it is the operator's own terminal."""
    from bot.domain.crisis import crisis_screen_rules
    from commands import all_commands, all_jobs
    from commands.peer import relay_after_crisis
    from commands.rules import welcome
    from commands.safety import crisis_screen, plain_text
    from commands.schedule import firing_items

    clock = clock or SystemClock()
    catalog = catalog or load_catalog()
    db = open_engine(settings.bot.database)
    members, communities = MemberRepo(db), CommunityRepo(db)
    people = PeopleService(
        members,
        communities,
        catalog,
        clock,
        settings.bot.timezone,
        settings.bot.country,
        settings.privacy.min_group,
        settings.bot.language,
    )
    milestone_repo = MilestoneRepo(db)
    registry = Registry(all_commands())
    safety_plans = SafetyPlanService(SafetyPlanRepo(db))
    outbox = Outbox(OutboxRepo(db), clock, rng=rng or random.Random())
    services = Services(
        settings=settings,
        clock=clock,
        catalog=catalog,
        db=db,
        people=people,
        checkins=CheckinService(CheckinRepo(db), milestone_repo),
        resources=ResourceService(ResourceRepo(db), catalog, rng or random.Random()),
        prompts=PromptService(catalog, rng or random.Random()),
        events=EventService(EventRepo(db)),
        helplines=HelplineService(catalog),
        rules=RuleService(RuleRepo(db), communities, catalog.default_rules),
        milestones=MilestoneService(milestone_repo, people),
        community_milestones=CommunityMilestoneService(
            CommunityMilestoneRepo(db), milestone_repo, people, settings.privacy.min_group
        ),
        schedules=ScheduleService(ScheduleRepo(db), clock, settings.scheduler.grace),
        privacy=PrivacyService(PrivacyRepo(db), members, communities, clock, settings.privacy),
        safety=SafetyService(crisis_screen_rules(), catalog, people, safety_plans, settings),
        safety_plans=safety_plans,
        alerts=LeadAlerts(outbox, clock),
        support=SupportService(SupportRepo(db), rng or random.Random()),
        shares=ShareService(ShareRepo(db)),
        polls=PollService(PollRepo(db)),
        kudos=KudosService(KudosRepo(db)),
        reports=ReportService(ReportRepo(db)),
        invites=InviteService(InviteRepo(db)),
        rng=rng or random.Random(),
        registry=registry,
        charts=ChartRenderer(),
    )
    per_minute = settings.limits.commands_per_minute
    dispatcher = Dispatcher(
        registry,
        services,
        screen=crisis_screen,
        on_text=plain_text,
        after_crisis=relay_after_crisis,
        cooldown=Cooldown(per_minute) if per_minute and cooldown else None,
    )
    outbox.on_unreachable = services.schedules.mark_unreachable
    dispatcher.later = lambda replies: _queue(outbox, replies)
    runner = ScheduleRunner(services, firing_items, outbox)
    # Whoever leads (this process, or another on PostgreSQL) hears of messages queued here.
    outbox.announce = lambda platforms: db.changed(OUTBOX, None)
    db.on_change(OUTBOX, lambda key: outbox.kick(set(outbox.senders)))
    return App(
        services,
        registry,
        dispatcher,
        all_jobs(),
        welcome,
        InboundLedger(db),
        outbox,
        runner,
        PostRepo(db),
    )
