"""The services a handler can use, handed to every handler by the dispatcher (no globals)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.catalog import Catalog
from bot.charts.renderer import ChartRenderer
from bot.core.clock import Clock
from bot.core.registry import Registry
from bot.services.alerts import LeadAlerts
from bot.services.checkins import CheckinService
from bot.services.community_milestones import CommunityMilestoneService
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
from bot.storage.store import Engine


@dataclass
class Services:
    settings: Settings
    clock: Clock
    catalog: Catalog
    db: Engine
    people: PeopleService
    checkins: CheckinService
    resources: ResourceService
    prompts: PromptService
    events: EventService
    helplines: HelplineService
    rules: RuleService
    milestones: MilestoneService
    community_milestones: CommunityMilestoneService
    schedules: ScheduleService
    privacy: PrivacyService
    safety: SafetyService
    safety_plans: SafetyPlanService
    alerts: LeadAlerts
    support: SupportService
    shares: ShareService
    polls: PollService
    kudos: KudosService
    reports: ReportService
    invites: InviteService
    rng: random.Random
    registry: Registry
    charts: ChartRenderer
