"""/milestone: personal milestones ("sober since ...") and the job that celebrates them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from bot import i18n
from bot.core.messages import Actor, Place, Reply, Request, private, public
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command
from bot.domain import milestones as rules
from bot.domain.streaks import local_date
from bot.i18n import N_, _, ngettext, use
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
    if upcoming:
        saved = _(
            "Milestone #{id} saved: {label} since {since}. Next: {mark} on {due}. I'll "
            "celebrate each one with you."
        )
    else:
        saved = _("Milestone #{id} saved: {label} since {since}. I'll celebrate each one with you.")
    said = saved.format(
        id=milestone_id,
        label=args["label"],
        since=i18n.day(args["since"], "yMMMd"),
        mark=upcoming.shown if upcoming else "",
        due=i18n.day(upcoming.due, "yMMMEd") if upcoming else "",
    )
    return [private(said)]


async def remove(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if not await svc.milestones.remove(scope.member.id, args["id"]):
        raise ArgumentError(
            _("you have no milestone #{id}; /milestones lists yours").format(id=args["id"])
        )
    return [private(_("Milestone #{id} removed.").format(id=args["id"]))]


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
    best = max(kept.longest, streak)
    lines = [
        ngettext(
            "Check-in streak: {n} day (your best: {best}).",
            "Check-in streak: {n} days (your best: {best}).",
            streak,
        ).format(n=streak, best=best)
    ]
    if reached:
        lines.append(
            _("Streak milestones reached: {milestones}").format(
                milestones=", ".join(_days(t) for t in reached)
            )
        )
    if upcoming:
        lines.append(
            ngettext(
                "Next streak milestone: {milestone} ({n} to go).",
                "Next streak milestone: {milestone} ({n} to go).",
                upcoming - streak,
            ).format(milestone=_days(upcoming), n=upcoming - streak)
        )
    thanked = await svc.kudos.received(scope.member.id)
    if thanked:
        lately = await svc.kudos.received(scope.member.id, now - timedelta(days=30))
        lines.append(
            ngettext(
                "Kudos received: {n} ({recent} in the last 30 days). Thank you for being here.",
                "Kudos received: {n} ({recent} in the last 30 days). Thank you for being here.",
                thanked,
            ).format(n=thanked, recent=lately)
        )
    personal = await svc.milestones.of_member(scope.member.id)
    for row in personal:
        passed = [m.shown for m in rules.personal_marks(row.start) if m.due <= today]
        nxt = rules.next_mark(row.start, today)
        if passed and nxt:
            line = _("#{id} {label}, since {since}: reached {reached}; next {mark} on {due}")
        elif passed:
            line = _("#{id} {label}, since {since}: reached {reached}")
        elif nxt:
            line = _("#{id} {label}, since {since}: just begun; next {mark} on {due}")
        else:
            line = _("#{id} {label}, since {since}: just begun")
        lines.append(
            line.format(
                id=row.id,
                label=row.label,
                since=i18n.day(row.start, "yMMMd"),
                reached=", ".join(passed),
                mark=nxt.shown if nxt else "",
                due=i18n.day(nxt.due, "yMMMd") if nxt else "",
            )
        )
    if not personal:
        lines.append(
            _("Add a personal milestone: {example}").format(
                example='/milestone add "sober" 2026-01-10'
            )
        )
    return [private("\n".join(lines))]


def _days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


async def celebrate_due(svc: Services, now: datetime) -> list[Reply]:
    """Hourly: anniversaries of personal milestones, each sent once (ledger in storage)."""
    replies: list[Reply] = []
    for due in await svc.milestones.due(now):
        if not await svc.milestones.mark_celebrated(due, now):
            continue
        member, row = due.member, due.milestone
        # Outside any request: the member's own language, else their group's (people.py).
        with use(await svc.people.member_language(member)):
            text = "🎉 " + _(
                '{name}, today is {mark} since you began "{label}"! Every day of it counts. '
                "Be proud of yourself."
            ).format(name=member.name, mark=due.mark.shown, label=row.label)
        if member.celebrate_public and row.chat_platform and row.chat_id:
            place = Place(row.chat_platform, row.chat_id, is_direct=False)
            replies.append(public(text, to=place))
        else:
            replies.append(private(text, to=Actor(member.platform, member.user_id, member.name)))
    return replies


LABEL = Option(
    "label",
    Kind.WORD,
    N_('What it is, e.g. "sober" (quotes for several words)'),
    required=True,
    max_length=60,
)
SINCE = Option("since", Kind.DATE, N_("The day it began, YYYY-MM-DD"), required=True)
MILESTONE = Command(
    "milestone",
    N_("Personal milestones: add, remove or list (private)"),
    subcommands=(
        Command("list", N_("List your milestones, reached and upcoming"), listing),
        Command(
            "add",
            N_("Add a milestone that began on a date"),
            add,
            options=(LABEL, SINCE),
            private_input=True,
        ),
        Command(
            "remove",
            N_("Remove one of your milestones"),
            remove,
            options=(Option("id", Kind.INT, N_("Milestone number"), required=True, min=1),),
        ),
    ),
    default="list",
    aliases=("milestones",),
    examples=('/milestone add "sober" 2026-01-10', "/milestones"),
)
COMMANDS = [MILESTONE]
JOBS = [Job("milestones", CronTrigger(minute=0, timezone="UTC"), celebrate_due)]
