"""A community's anonymous weekly mood: band shares per week and the weekly average.

Only what the aggregate lets through carries numbers (bands when each holds enough members, an
average when members do not all share a band); the rest is drawn as an empty, labelled slot so
the gap is visible without hinting at what is in it.
"""

from __future__ import annotations

from typing import Any

from bot import i18n
from bot.charts import style
from bot.domain.charts import CommunityChart
from bot.domain.moods import MAX_MOOD, MIN_MOOD
from bot.domain.summaries import trend_shown
from bot.i18n import N_, _, ngettext

BANDS = (  # (band, label, colour, hatch): low at the bottom, as on a mood scale
    ("1-2", N_("moods 1-2"), style.VERMILLION, "//"),
    ("3", N_("mood 3"), style.GREY, ""),
    ("4-5", N_("moods 4-5"), style.BLUE, ""),
)


def draw_community(chart: CommunityChart) -> bytes:
    """The chart in the group's language (`chart.language`, carried to the chart worker)."""
    if not chart.drawable:
        raise ValueError("no week reached the privacy threshold; there is nothing to draw")
    import matplotlib

    with i18n.use(chart.language), matplotlib.rc_context(style.RC):
        fig = style.figure()
        top, bottom = fig.subplots(2, 1, height_ratios=(3, 2))
        fig.subplots_adjust(left=0.12, right=0.96, top=0.86, bottom=0.08, hspace=0.42)
        _shares(top, chart)
        _averages(bottom, chart)
        labels = [
            i18n.day(w.start, "MMMd")
            + "\n"
            + (
                ngettext("{n} member", "{n} members", w.result.members).format(
                    n=i18n.number(w.result.members)
                )
                if w.result
                else "—"
            )
            for w in chart.weeks
        ]
        bottom.set_xticks(range(len(chart.weeks)), labels, fontsize=10)
        # Both panels name their weeks (a shared axis would leave the upper one unlabelled).
        top.set_xticks(
            range(len(chart.weeks)),
            [_("week of {day}").format(day=i18n.day(w.start, "MMMd")) for w in chart.weeks],
            fontsize=9,
        )
        top.set_xlim(-0.6, len(chart.weeks) - 0.4)
        fig.suptitle(
            _(
                "Community mood by week (anonymous)\nWeeks with fewer than {count} members are "
                "not shown;\nmood bands only when each band holds that many"
            ).format(count=chart.min_group),
            fontsize=12,
            color=style.INK,
        )
        return style.png(fig)


def _shares(ax: Any, chart: CommunityChart) -> None:
    xs = range(len(chart.weeks))
    bottoms = [0.0] * len(chart.weeks)
    for band, label, colour, hatch in BANDS:
        heights = []
        for week in chart.weeks:
            if week.bands is None:
                heights.append(0.0)
                continue
            counts = dict(week.bands)
            heights.append(100.0 * counts.get(band, 0) / sum(counts.values()))
        bars = ax.bar(
            xs,
            heights,
            bottom=bottoms,
            color=colour,
            hatch=hatch,
            edgecolor="white",
            linewidth=1.0,
            width=0.66,
            label=_(label),
        )
        ax.bar_label(
            bars,
            labels=[
                _("{share}%").format(share=i18n.number(h, 0)) if h >= 8 else "" for h in heights
            ],
            label_type="center",
            fontsize=10,
            color=style.INK,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for x, week in zip(xs, chart.weeks, strict=True):
        if week.bands is None:
            ax.bar(x, 100, width=0.66, color="#F4F4F4", edgecolor=style.GREY, hatch="..")
            ax.text(
                x, 50, _("not\nshown"), ha="center", va="center", color=style.MUTED, fontsize=10
            )
    ax.set_ylim(0, 100)
    ax.set_ylabel(_("share of members (%)"))
    ax.set_title(_("Mood bands"), loc="left", fontsize=12)
    if any(week.bands is not None for week in chart.weeks):  # no legend for bars not drawn
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=10)


def _averages(ax: Any, chart: CommunityChart) -> None:
    # A hidden week is a gap in the line (NaN), never a value bridged across it.
    ys = [float("nan") if w.average is None else w.average for w in chart.weeks]
    xs = list(range(len(chart.weeks)))
    ax.plot(xs, ys, color=style.INK, marker="D", markersize=8, linewidth=2.2)
    for x, y in zip(xs, ys, strict=True):
        if y == y:  # not NaN
            ax.annotate(
                i18n.number(y, 1),
                (x, y),
                textcoords="offset points",
                xytext=(0, 10),
                ha="center",
                fontsize=10,
            )
    ax.set_ylim(MIN_MOOD - 0.3, MAX_MOOD + 0.5)
    ax.set_yticks(range(MIN_MOOD, MAX_MOOD + 1))
    ax.set_ylabel(_("average mood (1-5)"))
    ax.set_xlim(-0.6, len(chart.weeks) - 0.4)
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    title = ngettext(
        "Average mood · trend over {weeks} week: {trend}",
        "Average mood · trend over {weeks} weeks: {trend}",
        len(chart.weeks),
    ).format(weeks=len(chart.weeks), trend=trend_shown(chart.trend))
    if chart.last_change:
        title += f"\n{chart.last_change[0].upper()}{chart.last_change[1:]}"
    ax.set_title(title, loc="left", fontsize=11)
