"""/mood: a member's own mood read back to them, as text or as a chart, always privately."""

from __future__ import annotations

from typing import Any

from bot.charts.mood import draw_mood
from bot.core.messages import Button, Reply, Request, private
from bot.core.options import Kind, Option
from bot.core.registry import Command, pack_action
from bot.domain.charts import CHART_DAYS, MoodChart
from bot.domain.moods import MAX_MOOD, MIN_MOOD, MOODS, Mood
from bot.services.container import Services


async def show(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    tz = svc.people.timezone(scope.member, scope.community)
    report = await svc.checkins.report(scope.member.id, svc.clock.now(), tz)
    if all(w.checkins == 0 for w in report.windows):
        return [
            private(
                "No check-ins in the last 30 days yet. Start with /checkin; only you will see them."
            )
        ]
    lines = ["Your mood (only you can see this):"]
    for window in report.windows:
        avg = f"average {window.average:.1f}" if window.average is not None else "no check-ins"
        lines.append(
            f"Last {window.days} days: {window.sparkline}  {avg}, trend {window.trend} "
            f"({window.checkins} check-in{'s' if window.checkins != 1 else ''})"
        )
    lines.append("Scale: ▁ 1 awful · ▂ 2 low · ▄ 3 okay · ▆ 4 good · █ 5 great; · = no check-in")
    lines.append(
        f"Current streak: {report.streak} day{'s' if report.streak != 1 else ''} "
        f"(longest {report.longest}); one missed day a week does not break it."
    )
    if report.top_feelings:
        lines.append(
            "Feelings you named most: "
            + ", ".join(f"{tag} ×{count}" for tag, count in report.top_feelings)
        )
    lines.append("See it as a picture:")
    return [private("\n".join(lines), buttons=(CHART_BUTTONS,))]


async def chart(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    days = int(args.get("days", "30"))
    scope = await svc.people.scope(request)
    tz = svc.people.timezone(scope.member, scope.community)
    data = await svc.checkins.chart(scope.member.id, svc.clock.now(), tz, days)
    if data.checkins == 0:
        return [
            private(
                f"No check-ins in the last {days} days yet, so there is nothing to draw. "
                "Start with /checkin; only you will see it."
            )
        ]
    name = f"mood-{days}-days-{data.days[-1].isoformat()}.png"
    alt = (
        f"Chart of your mood over the last {len(data.days)} days: one point per day, a "
        f"{data.window}-day "
        f"average line, your current {data.streak}-day streak shaded, and the feelings you "
        "named most. The message has it in words."
    )
    picture = await svc.charts.picture(draw_mood, data, name, alt)
    text = describe(data) + ("" if picture else "\n" + NO_PICTURE)
    return [private(text, attachment=picture)]


NO_PICTURE = "(The picture could not be drawn just now; everything it shows is in the words above.)"


def describe(data: MoodChart) -> str:
    """The chart in words: for screen readers, slow connections, and anyone who prefers it."""
    n = len(data.days)
    days_in = [(v, d) for v, d in zip(data.values, data.days, strict=True) if v is not None]
    low_value, low_day = min(days_in, key=lambda p: (p[0], p[1]))
    high_value, high_day = max(days_in, key=lambda p: (p[0], -p[1].toordinal()))
    average = data.average
    assert average is not None
    span = (
        f"last {n} days (you asked for {data.asked}; your first check-in is within these)"
        if data.since_start
        else f"last {n} days"
    )
    lines = [
        f"Your mood chart, {span} (only you can see it).",
        f"In words: {data.checkins} check-in{'s' if data.checkins != 1 else ''} on "
        f"{data.checkin_days} of {n} days; average {average:.1f} "
        f"({_level(average).word}), trend {data.trend}.",
        (
            f"Lowest day {_mood(low_value)} on {low_day:%d %b}; best day {_mood(high_value)} on "
            f"{high_day:%d %b}."
            if len(days_in) > 1
            else f"The one day with check-ins: {_mood(low_value)} on {low_day:%d %b}."
        ),
        f"Current streak: {data.streak} day{'s' if data.streak != 1 else ''} "
        "(shaded in the chart).",
    ]
    if data.feelings:
        lines.append(
            "Feelings you named most: "
            + ", ".join(f"{tag} ×{count}" for tag, count in data.feelings)
            + "."
        )
    return "\n".join(lines)


def _level(value: float) -> Mood:
    """The nearest point of the scale, halves rounded up as the sparkline does."""
    return MOODS[min(MAX_MOOD, max(MIN_MOOD, int(value + 0.5)))]


def _mood(value: float) -> str:
    shown = f"{value:.1f}".removesuffix(".0")
    return f"{shown} ({_level(value).word})"


CHART_BUTTONS = tuple(
    Button(f"📈 {days} days", action=pack_action("mood", "chart", days)) for days in CHART_DAYS
)
DAYS = Option(
    "days",
    Kind.WORD,
    "How many days to show: 7, 30, 90 or 365",
    choices=tuple(str(d) for d in CHART_DAYS),
)
MOOD = Command(
    "mood",
    "Your own mood over time, as text or a chart (private)",
    subcommands=(
        Command("show", "Your last 7 and 30 days of mood, streak and trend (private)", show),
        Command(
            "chart",
            "A picture of your mood over 7, 30, 90 or 365 days (private)",
            chart,
            options=(DAYS,),
        ),
    ),
    default="show",
    examples=("/mood", "/mood chart", "/mood chart 90"),
    actions=tuple(b.action for b in CHART_BUTTONS if b.action),
)
COMMANDS = [MOOD]
