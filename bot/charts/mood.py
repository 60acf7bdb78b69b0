"""A member's own mood chart: daily points, a rolling average, the current streak, feelings."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import i18n
from bot.charts import style
from bot.domain.charts import MoodChart
from bot.domain.moods import MAX_MOOD, MIN_MOOD, MOODS, feeling_shown
from bot.i18n import _, ngettext


def _ticks(days: tuple[date, ...]) -> tuple[list[int], list[str]]:
    """Every day for a week, weekly back from today for a month or a quarter, and the first
    of every other month for a year."""
    n = len(days)
    if n > 92:
        firsts = [i for i, d in enumerate(days) if d.day == 1]
        firsts = firsts[len(firsts) % 2 :: 2] if len(firsts) > 7 else firsts
        return firsts, [
            i18n.day(days[i], "MMM") + (f"\n{days[i].year}" if days[i].month == 1 else "")
            for i in firsts
        ]
    step = 1 if n <= 7 else 7 if n <= 31 else 14
    ticks = list(range(n - 1, -1, -step))[::-1]
    if n <= 7:
        return ticks, [f"{i18n.day(days[i], 'E')}\n{days[i].day}" for i in ticks]
    return ticks, [i18n.day(days[i], "MMMd") for i in ticks]


def draw_mood(chart: MoodChart) -> bytes:
    """The chart in the member's language (`chart.language`: this runs in the chart worker,
    which has no request of its own)."""
    import matplotlib

    with i18n.use(chart.language), matplotlib.rc_context(style.RC):
        fig = style.figure()
        top, bottom = fig.subplots(2, 1, height_ratios=(3, 1.25))
        fig.subplots_adjust(left=0.17, right=0.95, top=0.9, bottom=0.03, hspace=0.42)
        _mood_panel(top, chart)
        _feelings_panel(bottom, chart)
        first, last = chart.days[0], chart.days[-1]
        heading = (
            ngettext(
                "Your mood, last {days} day (since your first check-in)",
                "Your mood, last {days} days (since your first check-in)",
                len(chart.days),
            )
            if chart.since_start
            else ngettext(
                "Your mood, last {days} day", "Your mood, last {days} days", len(chart.days)
            )
        ).format(days=len(chart.days))
        fig.suptitle(
            f"{heading}\n{i18n.day(first, 'yMMMd')} – {i18n.day(last, 'yMMMd')}",
            fontsize=14,
            color=style.INK,
        )
        return style.png(fig)


def _mood_panel(ax: Any, chart: MoodChart) -> None:
    n = len(chart.days)
    xs = range(n)
    if chart.streak_start is not None:
        start = (chart.streak_start - chart.days[0]).days
        # To the latest check-in: the streak is alive, so that is its last day (a bridged
        # missed day inside it makes the span longer than the streak's count).
        latest = max((i for i, v in enumerate(chart.values) if v is not None), default=n - 1)
        end = min(latest, n - 1)
        if end >= max(start, 0):
            ax.axvspan(
                max(start, 0) - 0.5,
                end + 0.5,
                color=style.GREEN,
                alpha=0.14,
                lw=0,
                label=ngettext(
                    "current streak: {days} day", "current streak: {days} days", chart.streak
                ).format(days=chart.streak),
            )
    points = [(x, v) for x, v in zip(xs, chart.values, strict=True) if v is not None]
    if points:
        px, py = zip(*points, strict=True)
        ax.scatter(
            px,
            py,
            s=64 if n <= 31 else 26,
            marker="o",
            color=style.BLUE,
            edgecolor="white",
            linewidth=0.8,
            zorder=3,
            label=_("daily mood"),
        )
    smoothed = [float("nan") if v is None else v for v in chart.smoothed]
    if any(v is not None for v in chart.smoothed):  # never a legend entry for a line not drawn
        ax.plot(
            list(xs),
            smoothed,
            color=style.VERMILLION,
            linewidth=2.6,
            linestyle="-",
            zorder=2,
            label=ngettext("{days}-day average", "{days}-day average", chart.window).format(
                days=chart.window
            ),
        )
    ax.set_ylim(MIN_MOOD - 0.5, MAX_MOOD + 0.5)
    ax.set_yticks(list(MOODS), [f"{m.value} {m.shown}" for m in MOODS.values()], fontsize=11)
    ax.set_xlim(-0.6, n - 0.4)
    ticks, labels = _ticks(chart.days)
    ax.set_xticks(ticks, labels, fontsize=10)
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    if not points:
        ax.text(
            0.5,
            0.5,
            _("No check-ins in these days"),
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=style.MUTED,
            fontsize=13,
        )
    if not ax.get_legend_handles_labels()[0]:
        return
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13 if n <= 7 else -0.09),
        ncol=3,
        fontsize=10,
        handlelength=1.6,
        columnspacing=1.2,
    )


def _feelings_panel(ax: Any, chart: MoodChart) -> None:
    ax.set_title(_("Feelings you named"), loc="left", fontsize=12, color=style.INK)
    if not chart.feelings:
        ax.set_axis_off()
        ax.text(
            0.0,
            0.5,
            _("No feelings named in these days. Add some to today's: /checkin feel tired,hopeful"),
            transform=ax.transAxes,
            ha="left",
            va="center",
            color=style.MUTED,
            fontsize=11,
        )
        return
    names = [feeling_shown(name) for name, _count in chart.feelings][::-1]
    counts = [count for _name, count in chart.feelings][::-1]
    bars = ax.barh(names, counts, color=style.SKY, edgecolor=style.BLUE, height=0.62)
    ax.bar_label(bars, labels=[f"×{c}" for c in counts], padding=4, fontsize=10)
    ax.set_xlim(0, max(counts) * 1.18 + 0.5)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="y", labelsize=11, length=0)
