"""Features, one module each; each declares its commands (and jobs) for the registry."""

from __future__ import annotations

from bot.core.registry import Command
from bot.scheduler.jobs import Job
from commands import (
    checkin,
    community_milestones,
    events,
    feedback,
    help,
    invite,
    kudos,
    milestones,
    mood,
    peer,
    polls,
    privacy,
    prompts,
    reports,
    resources,
    rules,
    safety,
    safety_plan,
    schedule,
    settings,
    shares,
    summary,
)

MODULES = (
    checkin,
    mood,
    resources,
    prompts,
    rules,
    milestones,
    community_milestones,
    schedule,
    events,
    peer,
    shares,
    feedback,
    polls,
    kudos,
    reports,
    invite,
    summary,
    settings,
    privacy,
    safety,
    safety_plan,
    help,
)


def all_commands() -> list[Command]:
    return [command for module in MODULES for command in module.COMMANDS]


def all_jobs() -> list[Job]:
    return [job for module in MODULES for job in getattr(module, "JOBS", ())]
