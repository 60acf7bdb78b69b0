"""/summary: a group's anonymous mood over fixed weekly windows, for leads.

Only aggregates, and only for weeks where at least `privacy.min_group` distinct consenting
members checked in; the low / middle / high bands only when each holds that many members, and
the average only when the members do not all share a band (bot/domain/aggregates.py). Nothing
names or counts out a person, and there is no "who did not check in". A chart comes with the
text only when some week has an average to show, and hidden weeks are drawn as empty slots.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.charts.community import draw_community
from bot.core.messages import Reply, Request, private
from bot.core.registry import Command
from bot.domain.aggregates import Aggregate
from bot.domain.charts import CommunityChart
from bot.domain.focus import focus_shown
from bot.domain.summaries import trend_shown
from bot.i18n import N_, _, day, ngettext, number
from bot.services.container import Services
from commands.common import lead_scope
from commands.mood import NO_PICTURE

WEEKS = 4
SUNDAY = 6


def week_starts(
    now: datetime, zone: ZoneInfo, weeks: int = WEEKS, since: datetime | None = None
) -> list[datetime]:
    """Mondays 00:00 local of the last `weeks` weeks, oldest first: the complete weeks, and
    on a Sunday the week ending that day (a Sunday-evening summary covers its own week). Weeks
    that ended before `since` (the group came to Haven) are left out."""
    local = now.astimezone(zone)
    this_monday = datetime.combine(local.date() - timedelta(days=local.weekday()), time(), zone)
    last = this_monday if local.weekday() == SUNDAY else this_monday - timedelta(weeks=1)
    starts = [last - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    if since is not None:
        starts = [s for s in starts if s + timedelta(weeks=1) > since]
    return starts


async def community_weeks(
    svc: Services, community_id: int, zone: ZoneInfo, now: datetime
) -> CommunityChart:
    # The group's weeks begin when it came to Haven (or with its first check-in, if older).
    times = [
        t
        for t in (
            await svc.people.community_since(community_id),
            await svc.checkins.community_first(community_id),
        )
        if t is not None
    ]
    since = min(times) if times else None
    community = await svc.people.community(community_id)
    starts = week_starts(now, zone, since=since)
    return await svc.checkins.community_weeks(community_id, starts, svc.people.min_group(community))


def summary_text(chart: CommunityChart) -> str:
    """The summary in words; it is also the text alternative of the chart sent with it."""
    min_group = chart.min_group
    lines = [
        ngettext(
            "Anonymous weekly summary (weeks with at least {n} member):",
            "Anonymous weekly summary (weeks with at least {n} members):",
            min_group,
        ).format(n=min_group)
    ]
    if not chart.weeks:
        lines.append(_("No week has ended yet since this group came to Haven."))
    for week in chart.weeks:
        start = day(week.start, "MMMd")
        result = week.result
        if result is None:
            lines.append(
                ngettext(
                    "Week of {day}: fewer than {n} member checked in; not shown",
                    "Week of {day}: fewer than {n} members checked in; not shown",
                    min_group,
                ).format(day=start, n=min_group)
            )
            continue
        members = ngettext("{n} member", "{n} members", result.members).format(n=result.members)
        checkins = ngettext("{n} check-in", "{n} check-ins", result.checkins).format(
            n=result.checkins
        )
        lines.append(
            _("Week of {day}: {members}, {checkins}, {moods}").format(
                day=start, members=members, checkins=checkins, moods=_moods(result, min_group)
            )
        )
    if len(chart.shown) >= 3:
        lines.append(_("Trend over these weeks: {trend}").format(trend=trend_shown(chart.trend)))
    if chart.last_change:
        lines.append(_("Of the last two: {change}.").format(change=chart.last_change))
    if not chart.drawable:
        lines.append(
            _(
                "No chart this time: no week has moods that can be shown without singling "
                "someone out."
            )
        )
    return "\n".join(lines)


def _moods(result: Aggregate, min_group: int) -> str:
    """The week's moods as far as they can be told without telling anyone's answer."""
    if result.average is None:
        return _("moods not shown this week, so that nobody's answer can be told")
    average = number(result.average, 1)
    if result.distribution is None:
        return ngettext(
            "average {average} (mood bands are shown when each holds at least {n} member)",
            "average {average} (mood bands are shown when each holds at least {n} members)",
            min_group,
        ).format(average=average, n=min_group)
    bands = ", ".join(f"{band}: {count}" for band, count in result.distribution)
    return _("average {average} (members by mood {bands})").format(average=average, bands=bands)


async def summary_reply(
    svc: Services, community_id: int, zone: ZoneInfo, now: datetime, **kwargs: Any
) -> Reply:
    """Private to the lead: the text, and a chart only when some week reached the threshold."""
    chart = await community_weeks(svc, community_id, zone, now)
    text = summary_text(chart)
    community = await svc.people.community(community_id)
    if community is not None and community.focus:  # what the group is for, said first
        named = _("Your group for {focus}:").format(focus=focus_shown(community.focus))
        text = f"{named}\n{text}"
    if not chart.drawable:
        return private(text, **kwargs)
    name = f"community-mood-{chart.weeks[-1].start.isoformat()}.png"
    alt = ngettext(
        "Chart of the group's anonymous mood by week: the share of members with moods "
        "1-2, 3 and 4-5 where each band holds at least {n} member, and the weekly average; "
        "weeks with fewer than {n} member are not shown. The message has it in words.",
        "Chart of the group's anonymous mood by week: the share of members with moods "
        "1-2, 3 and 4-5 where each band holds at least {n} members, and the weekly average; "
        "weeks with fewer than {n} members are not shown. The message has it in words.",
        chart.min_group,
    ).format(n=chart.min_group)
    picture = await svc.charts.picture(draw_community, chart, name, alt)
    return private(text if picture else f"{text}\n{_(NO_PICTURE)}", attachment=picture, **kwargs)


async def summary(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    zone = svc.people.community_timezone(scope.community)
    return [await summary_reply(svc, community_id, zone, svc.clock.now())]


COMMANDS = [
    Command(
        "summary",
        N_("Anonymous weekly mood summary of this group (leads)"),
        summary,
        lead_only=True,
    ),
]
