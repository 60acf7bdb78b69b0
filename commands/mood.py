"""/mood: a member's own mood read back to them, as text or as a chart, always privately."""

from __future__ import annotations

from typing import Any

from bot import i18n
from bot.charts.mood import draw_mood
from bot.core.messages import Button, Reply, Request, private
from bot.core.options import Kind, Option
from bot.core.registry import Command, pack_action
from bot.domain.charts import CHART_DAYS, MoodChart
from bot.domain.moods import MAX_MOOD, MIN_MOOD, MOODS, Mood, feeling_shown
from bot.domain.summaries import sparkline, trend_shown
from bot.i18n import N_, _, ngettext
from bot.services.container import Services


async def show(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    tz = svc.people.timezone(scope.member, scope.community)
    report = await svc.checkins.report(scope.member.id, svc.clock.now(), tz)
    if all(w.checkins == 0 for w in report.windows):
        return [
            private(
                _(
                    "No check-ins in the last 30 days yet. Start with /checkin; only you will "
                    "see them."
                )
            )
        ]
    lines = [_("Your mood (only you can see this):")]
    for window in report.windows:
        if window.average is not None:
            said = ngettext(
                "Last {days} days: {sparkline}  average {average}, trend {trend} ({n} check-in)",
                "Last {days} days: {sparkline}  average {average}, trend {trend} ({n} check-ins)",
                window.checkins,
            )
        else:
            said = ngettext(
                "Last {days} days: {sparkline}  no check-ins, trend {trend} ({n} check-in)",
                "Last {days} days: {sparkline}  no check-ins, trend {trend} ({n} check-ins)",
                window.checkins,
            )
        lines.append(
            said.format(
                days=window.days,
                sparkline=window.sparkline,
                average=_decimal(window.average),
                trend=trend_shown(window.trend),
                n=window.checkins,
            )
        )
    scale = " · ".join(f"{sparkline([m.value])} {m.value} {m.shown}" for m in MOODS.values())
    lines.append(_("Scale: {scale}; · = no check-in").format(scale=scale))
    lines.append(
        ngettext(
            "Current streak: {n} day (longest {longest}); one missed day a week does not break it.",
            "Current streak: {n} days (longest {longest}); one missed day a week does not "
            "break it.",
            report.streak,
        ).format(n=report.streak, longest=report.longest)
    )
    if report.top_feelings:
        lines.append(
            _("Feelings you named most: {feelings}").format(feelings=_feelings(report.top_feelings))
        )
    lines.append(_("See it as a picture:"))
    return [private("\n".join(lines), buttons=(chart_buttons(),))]


async def chart(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    days = int(args.get("days", "30"))
    scope = await svc.people.scope(request)
    tz = svc.people.timezone(scope.member, scope.community)
    data = await svc.checkins.chart(scope.member.id, svc.clock.now(), tz, days)
    if data.checkins == 0:
        return [
            private(
                ngettext(
                    "No check-ins in the last {n} day yet, so there is nothing to draw. Start "
                    "with /checkin; only you will see it.",
                    "No check-ins in the last {n} days yet, so there is nothing to draw. Start "
                    "with /checkin; only you will see it.",
                    days,
                ).format(n=days)
            )
        ]
    name = f"mood-{days}-days-{data.days[-1].isoformat()}.png"
    alt = ngettext(
        "Chart of your mood over the last {days} days: one point per day, a {window}-day "
        "average line, your current {streak}-day streak shaded, and the feelings you named "
        "most. The message has it in words.",
        "Chart of your mood over the last {days} days: one point per day, a {window}-day "
        "average line, your current {streak}-day streak shaded, and the feelings you named "
        "most. The message has it in words.",
        len(data.days),
    ).format(days=len(data.days), window=data.window, streak=data.streak)
    picture = await svc.charts.picture(draw_mood, data, name, alt)
    text = describe(data) + ("" if picture else "\n" + _(NO_PICTURE))
    return [private(text, attachment=picture)]


NO_PICTURE = N_(
    "(The picture could not be drawn just now; everything it shows is in the words above.)"
)


def describe(data: MoodChart) -> str:
    """The chart in words: for screen readers, slow connections, and anyone who prefers it."""
    n = len(data.days)
    days_in = [(v, d) for v, d in zip(data.values, data.days, strict=True) if v is not None]
    low_value, low_day = min(days_in, key=lambda p: (p[0], p[1]))
    high_value, high_day = max(days_in, key=lambda p: (p[0], -p[1].toordinal()))
    average = data.average
    assert average is not None
    if data.since_start:
        title = ngettext(
            "Your mood chart, last {n} day (you asked for {asked}; your first check-in is "
            "within these) (only you can see it).",
            "Your mood chart, last {n} days (you asked for {asked}; your first check-in is "
            "within these) (only you can see it).",
            n,
        )
    else:
        title = ngettext(
            "Your mood chart, last {n} day (only you can see it).",
            "Your mood chart, last {n} days (only you can see it).",
            n,
        )
    in_words = ngettext(
        "In words: {n} check-in on {days} of {length} days; average {average} ({mood}), "
        "trend {trend}.",
        "In words: {n} check-ins on {days} of {length} days; average {average} ({mood}), "
        "trend {trend}.",
        data.checkins,
    )
    if len(days_in) > 1:
        lowest = _("Lowest day {lowest} on {low_day}; best day {best} on {best_day}.").format(
            lowest=_mood(low_value),
            low_day=i18n.day(low_day, "MMMd"),
            best=_mood(high_value),
            best_day=i18n.day(high_day, "MMMd"),
        )
    else:
        lowest = _("The one day with check-ins: {mood} on {day}.").format(
            mood=_mood(low_value), day=i18n.day(low_day, "MMMd")
        )
    lines = [
        title.format(n=n, asked=data.asked),
        in_words.format(
            n=data.checkins,
            days=data.checkin_days,
            length=n,
            average=_decimal(average),
            mood=_level(average).shown,
            trend=trend_shown(data.trend),
        ),
        lowest,
        ngettext(
            "Current streak: {n} day (shaded in the chart).",
            "Current streak: {n} days (shaded in the chart).",
            data.streak,
        ).format(n=data.streak),
    ]
    if data.feelings:
        lines.append(
            _("Feelings you named most: {feelings}.").format(feelings=_feelings(data.feelings))
        )
    return "\n".join(lines)


def _level(value: float) -> Mood:
    """The nearest point of the scale, halves rounded up as the sparkline does."""
    return MOODS[min(MAX_MOOD, max(MIN_MOOD, int(value + 0.5)))]


def _mood(value: float) -> str:
    rounded = round(value, 1)  # "2" for a whole number, "2.5" else
    shown = i18n.number(rounded, 0 if rounded == int(rounded) else 1)
    return f"{shown} ({_level(value).shown})"


def _decimal(value: float | None) -> str:
    """An average with one decimal, the local way ("3.4", "3,4"). Rounded first as Python
    rounds (Babel rounds the decimal text half to even: 3.45 would be 3.4, not 3.5), so the
    figure stays the one members always saw."""
    return "" if value is None else i18n.number(round(value, 1), 1)


def _feelings(counted: tuple[tuple[str, int], ...]) -> str:
    """The feelings named most, each in the member's language with how often."""
    return ", ".join(f"{feeling_shown(tag)} ×{count}" for tag, count in counted)


CHART_ACTIONS = tuple(pack_action("mood", "chart", days) for days in CHART_DAYS)


def chart_buttons() -> tuple[Button, ...]:
    """A button per chart length, labelled in the member's language ("📈 30 days")."""
    return tuple(
        Button("📈 " + ngettext("{n} day", "{n} days", days).format(n=days), action=action)
        for days, action in zip(CHART_DAYS, CHART_ACTIONS, strict=True)
    )


DAYS = Option(
    "days",
    Kind.WORD,
    N_("How many days to show: 7, 30, 90 or 365"),
    choices=tuple(str(d) for d in CHART_DAYS),
)
MOOD = Command(
    "mood",
    N_("Your own mood over time, as text or a chart (private)"),
    subcommands=(
        Command("show", N_("Your last 7 and 30 days of mood, streak and trend (private)"), show),
        Command(
            "chart",
            N_("A picture of your mood over 7, 30, 90 or 365 days (private)"),
            chart,
            options=(DAYS,),
        ),
    ),
    default="show",
    examples=("/mood", "/mood chart", "/mood chart 90"),
    actions=CHART_ACTIONS,
)
COMMANDS = [MOOD]
