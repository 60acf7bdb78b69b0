"""A community's anonymous weekly mood: band shares per week and the weekly average.

Only what the aggregate lets through carries numbers (bands when each holds enough members, an
average when members do not all share a band); the rest is drawn as an empty, labelled slot so
the gap is visible without hinting at what is in it.
"""

from __future__ import annotations

from typing import Any

from bot.charts import style
from bot.domain.charts import CommunityChart
from bot.domain.moods import MAX_MOOD, MIN_MOOD

BANDS = (  # (band, label, colour, hatch): low at the bottom, as on a mood scale
    ("1-2", "moods 1-2", style.VERMILLION, "//"),
    ("3", "mood 3", style.GREY, ""),
    ("4-5", "moods 4-5", style.BLUE, ""),
)


def draw_community(chart: CommunityChart) -> bytes:
    if not chart.drawable:
        raise ValueError("no week reached the privacy threshold; there is nothing to draw")
    import matplotlib

    with matplotlib.rc_context(style.RC):
        fig = style.figure()
        top, bottom = fig.subplots(2, 1, height_ratios=(3, 2))
        fig.subplots_adjust(left=0.12, right=0.96, top=0.86, bottom=0.08, hspace=0.42)
        _shares(top, chart)
        _averages(bottom, chart)
        labels = [
            f"{w.start:%d %b}\n{w.result.members} members" if w.result else f"{w.start:%d %b}\n—"
            for w in chart.weeks
        ]
        bottom.set_xticks(range(len(chart.weeks)), labels, fontsize=10)
        # Both panels name their weeks (a shared axis would leave the upper one unlabelled).
        top.set_xticks(
            range(len(chart.weeks)), [f"week of {w.start:%d %b}" for w in chart.weeks], fontsize=9
        )
        top.set_xlim(-0.6, len(chart.weeks) - 0.4)
        fig.suptitle(
            f"Community mood by week (anonymous)\nWeeks with fewer than {chart.min_group} "
            "members are not shown;\nmood bands only when each band holds that many",
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
            label=label,
        )
        ax.bar_label(
            bars,
            labels=[f"{h:.0f}%" if h >= 8 else "" for h in heights],
            label_type="center",
            fontsize=10,
            color=style.INK,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for x, week in zip(xs, chart.weeks, strict=True):
        if week.bands is None:
            ax.bar(x, 100, width=0.66, color="#F4F4F4", edgecolor=style.GREY, hatch="..")
            ax.text(x, 50, "not\nshown", ha="center", va="center", color=style.MUTED, fontsize=10)
    ax.set_ylim(0, 100)
    ax.set_ylabel("share of members (%)")
    ax.set_title("Mood bands", loc="left", fontsize=12)
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
                f"{y:.1f}",
                (x, y),
                textcoords="offset points",
                xytext=(0, 10),
                ha="center",
                fontsize=10,
            )
    ax.set_ylim(MIN_MOOD - 0.3, MAX_MOOD + 0.5)
    ax.set_yticks(range(MIN_MOOD, MAX_MOOD + 1))
    ax.set_ylabel("average mood (1-5)")
    ax.set_xlim(-0.6, len(chart.weeks) - 0.4)
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    title = f"Average mood · trend over {len(chart.weeks)} weeks: {chart.trend}"
    if chart.last_change:
        title += f"\n{chart.last_change[0].upper()}{chart.last_change[1:]}"
    ax.set_title(title, loc="left", fontsize=11)
