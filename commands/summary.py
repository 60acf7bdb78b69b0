"""/summary: a group's anonymous mood over fixed weekly windows, for leads.

Only aggregates, and only for weeks where at least `privacy.min_group` distinct members checked
in; moods are merged into low / middle / high bands. Nothing names or counts out a person, and
there is no "who did not check in".
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.messages import Reply, Request, private
from bot.core.registry import Command
from bot.domain.aggregates import aggregate
from bot.domain.summaries import trend
from bot.services.container import Services
from commands.common import lead_scope

WEEKS = 4


def week_starts(now: datetime, zone: ZoneInfo, weeks: int = WEEKS) -> list[datetime]:
    """Mondays 00:00 local of the last `weeks` complete weeks, oldest first."""
    local = now.astimezone(zone)
    this_monday = datetime.combine(local.date() - timedelta(days=local.weekday()), time(), zone)
    return [this_monday - timedelta(weeks=n) for n in range(weeks, 0, -1)]


async def summary_text(svc: Services, community_id: int, zone: ZoneInfo, now: datetime) -> str:
    min_group = svc.settings.privacy.min_group
    lines = [f"Anonymous weekly summary (weeks with at least {min_group} members):"]
    averages: list[float | None] = []
    for start in week_starts(now, zone):
        entries = await svc.checkins.checkins.community_window(
            community_id, start, start + timedelta(weeks=1)
        )
        result = aggregate(entries, min_group)
        label = f"Week of {start:%d %b}"
        if result is None:
            lines.append(f"{label}: fewer than {min_group} members checked in; not shown")
            averages.append(None)
            continue
        bands = ", ".join(f"{band}: {count}" for band, count in result.distribution)
        lines.append(
            f"{label}: {result.members} members, {result.checkins} check-ins, "
            f"average {result.average:.1f} (moods {bands})"
        )
        averages.append(result.average)
    shown = [a for a in averages if a is not None]
    if len(shown) >= 3:
        lines.append(f"Trend over these weeks: {trend(averages)}")
    return "\n".join(lines)


async def summary(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    zone = svc.people.community_timezone(scope.community)
    return [private(await summary_text(svc, community_id, zone, svc.clock.now()))]


COMMANDS = [
    Command(
        "summary", "Anonymous weekly mood summary of this group (leads)", summary, lead_only=True
    ),
]
