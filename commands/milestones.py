"""/milestone: personal milestones ("sober since ...") and the job that celebrates them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from bot.core.messages import Actor, Place, Reply, Request, private, public
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command
from bot.domain import milestones as rules
from bot.domain.streaks import local_date
from bot.scheduler.jobs import Job
from bot.services.container import Services
from commands.privacy import consent_needed


async def add(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if (ask := await consent_needed(svc, scope, request)) is not None:
        return ask
    place = request.place
    chat = None if place.is_direct else (place.platform, place.chat_id)
    try:
        milestone_id = await svc.milestones.add(
            scope.member, args["label"], args["since"], chat, svc.clock.now()
        )
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    today = local_date(svc.clock.now(), svc.people.timezone(scope.member, scope.community))
    upcoming = rules.next_mark(args["since"], today)
    later = f" Next: {upcoming.label} on {upcoming.due:%a %d %b %Y}." if upcoming else ""
    return [
        private(
            f"Milestone #{milestone_id} saved: {args['label']} since "
            f"{args['since']:%d %b %Y}.{later} I'll celebrate each one with you."
        )
    ]


async def remove(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if not await svc.milestones.remove(scope.member.id, args["id"]):
        raise ArgumentError(f"you have no milestone #{args['id']}; /milestones lists yours")
    return [private(f"Milestone #{args['id']} removed.")]


async def listing(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    tz = svc.people.timezone(scope.member, scope.community)
    now = svc.clock.now()
    today = local_date(now, tz)
    kept = await svc.checkins.streak(scope.member.id, now, tz)
    streak = kept.current
    # A milestone once reached stays reached (the best streak holds it), whatever the
    # current streak does; the next one to come is counted on this streak.
    reached = [t for t in rules.STREAK_MILESTONES if t <= max(kept.longest, streak)]
    upcoming = next((t for t in rules.STREAK_MILESTONES if t > max(kept.longest, streak)), None)
    lines = [
        f"Check-in streak: {streak} day{'s' if streak != 1 else ''} "
        f"(your best: {max(kept.longest, streak)})."
    ]
    if reached:
        lines.append("Streak milestones reached: " + ", ".join(f"{t} days" for t in reached))
    if upcoming:
        lines.append(f"Next streak milestone: {upcoming} days ({upcoming - streak} to go).")
    personal = await svc.milestones.of_member(scope.member.id)
    for row in personal:
        passed = [m.label for m in rules.personal_marks(row.start) if m.due <= today]
        nxt = rules.next_mark(row.start, today)
        line = f"#{row.id} {row.label}, since {row.start:%d %b %Y}"
        line += f": reached {', '.join(passed)}" if passed else ": just begun"
        if nxt:
            line += f"; next {nxt.label} on {nxt.due:%d %b %Y}"
        lines.append(line)
    if not personal:
        lines.append('Add a personal milestone: /milestone add "sober" 2026-01-10')
    return [private("\n".join(lines))]


async def celebrate_due(svc: Services, now: datetime) -> list[Reply]:
    """Hourly: anniversaries of personal milestones, each sent once (ledger in storage)."""
    replies: list[Reply] = []
    for due in await svc.milestones.due(now):
        if not await svc.milestones.mark_celebrated(due, now):
            continue
        member, row = due.member, due.milestone
        text = (
            f'🎉 {member.name}, today is {due.mark.label} since you began "{row.label}"! '
            "Every day of it counts. Be proud of yourself."
        )
        if member.celebrate_public and row.chat_platform and row.chat_id:
            place = Place(row.chat_platform, row.chat_id, is_direct=False)
            replies.append(public(text, to=place))
        else:
            replies.append(private(text, to=Actor(member.platform, member.user_id, member.name)))
    return replies


LABEL = Option(
    "label",
    Kind.WORD,
    'What it is, e.g. "sober" (quotes for several words)',
    required=True,
    max_length=60,
)
SINCE = Option("since", Kind.DATE, "The day it began, YYYY-MM-DD", required=True)
MILESTONE = Command(
    "milestone",
    "Personal milestones: add, remove or list (private)",
    subcommands=(
        Command("list", "List your milestones, reached and upcoming", listing),
        Command(
            "add",
            "Add a milestone that began on a date",
            add,
            options=(LABEL, SINCE),
            private_input=True,
        ),
        Command(
            "remove",
            "Remove one of your milestones",
            remove,
            options=(Option("id", Kind.INT, "Milestone number", required=True, min=1),),
        ),
    ),
    default="list",
    aliases=("milestones",),
    examples=('/milestone add "sober" 2026-01-10', "/milestones"),
)
COMMANDS = [MILESTONE]
JOBS = [Job("milestones", CronTrigger(minute=0, timezone="UTC"), celebrate_due)]
