"""/summary: a group's anonymous mood over fixed weekly windows, for leads.

Only aggregates, and only for weeks where at least `privacy.min_group` distinct members checked
in; moods are merged into low / middle / high bands. Nothing names or counts out a person, and
there is no "who did not check in". A chart comes with the text only when some week reached
the threshold, and hidden weeks are drawn as empty slots.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.charts.community import draw_community
from bot.core.messages import Reply, Request, private
from bot.core.registry import Command
from bot.domain.aggregates import aggregate
from bot.domain.charts import CommunityChart, Week
from bot.services.container import Services
from commands.common import lead_scope
from commands.mood import NO_PICTURE

WEEKS = 4


def week_starts(now: datetime, zone: ZoneInfo, weeks: int = WEEKS) -> list[datetime]:
    """Mondays 00:00 local of the last `weeks` complete weeks, oldest first."""
    local = now.astimezone(zone)
    this_monday = datetime.combine(local.date() - timedelta(days=local.weekday()), time(), zone)
    return [this_monday - timedelta(weeks=n) for n in range(weeks, 0, -1)]


async def community_weeks(
    svc: Services, community_id: int, zone: ZoneInfo, now: datetime
) -> CommunityChart:
    min_group = svc.settings.privacy.min_group
    weeks = []
    for start in week_starts(now, zone):
        entries = await svc.checkins.checkins.community_window(
            community_id, start, start + timedelta(weeks=1)
        )
        weeks.append(Week(start.date(), aggregate(entries, min_group)))
    return CommunityChart(tuple(weeks), min_group)


def summary_text(chart: CommunityChart) -> str:
    """The summary in words; it is also the text alternative of the chart sent with it."""
    min_group = chart.min_group
    lines = [f"Anonymous weekly summary (weeks with at least {min_group} members):"]
    for week in chart.weeks:
        label = f"Week of {week.start:%d %b}"
        result = week.result
        if result is None:
            lines.append(f"{label}: fewer than {min_group} members checked in; not shown")
            continue
        bands = ", ".join(f"{band}: {count}" for band, count in result.distribution)
        lines.append(
            f"{label}: {result.members} members, {result.checkins} check-ins, "
            f"average {result.average:.1f} (moods {bands})"
        )
    if len(chart.shown) >= 3:
        lines.append(f"Trend over these weeks: {chart.trend}")
    if not chart.drawable:
        lines.append(
            f"No chart this time: no week reached {min_group} members, and a picture of fewer "
            "could single someone out."
        )
    return "\n".join(lines)


async def summary_reply(
    svc: Services, community_id: int, zone: ZoneInfo, now: datetime, **kwargs: Any
) -> Reply:
    """Private to the lead: the text, and a chart only when some week reached the threshold."""
    chart = await community_weeks(svc, community_id, zone, now)
    text = summary_text(chart)
    if not chart.drawable:
        return private(text, **kwargs)
    name = f"community-mood-{chart.weeks[-1].start.isoformat()}.png"
    alt = (
        "Chart of the group's anonymous mood by week: the share of check-ins with moods "
        "1-2, 3 and 4-5, and the weekly average; weeks with fewer than "
        f"{chart.min_group} members are not shown. The message has it in words."
    )
    picture = await svc.charts.picture(draw_community, chart, name, alt)
    return private(text if picture else f"{text}\n{NO_PICTURE}", attachment=picture, **kwargs)


async def summary(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    zone = svc.people.community_timezone(scope.community)
    return [await summary_reply(svc, community_id, zone, svc.clock.now())]


COMMANDS = [
    Command(
        "summary", "Anonymous weekly mood summary of this group (leads)", summary, lead_only=True
    ),
]
