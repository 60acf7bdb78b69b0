"""Each chart renders from seeded data to a valid PNG of the agreed size, off the event loop."""

from __future__ import annotations

import asyncio
import io
import os
import random
import signal
import threading
import time
from collections.abc import Awaitable
from datetime import date, timedelta
from typing import TypeVar

import pytest
from PIL import Image

from bot.charts import style
from bot.charts.community import draw_community
from bot.charts.mood import draw_mood
from bot.charts.renderer import ChartRenderer
from bot.domain.aggregates import aggregate
from bot.domain.charts import CommunityChart, MoodChart, Week, mood_chart
from bot.domain.moods import FEELINGS

LAST = date(2026, 11, 30)
T = TypeVar("T")


def seeded_entries(days: int, seed: int = 3) -> list[tuple[date, int, tuple[str, ...]]]:
    rng = random.Random(seed)
    return [
        (LAST - timedelta(days=n), rng.randint(1, 5), tuple(rng.sample(FEELINGS, 2)))
        for n in range(days)
        if rng.random() < 0.8
    ]


def image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    Image.open(io.BytesIO(png)).verify()  # raises on a truncated or corrupt file
    return Image.open(io.BytesIO(png)).convert("RGB")


def has_colour(picture: Image.Image, hex_colour: str, at_least: int = 50) -> bool:
    wanted = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    counts = {colour: n for n, colour in picture.getcolors(maxcolors=1 << 20) or []}
    return counts.get(wanted, 0) >= at_least


@pytest.mark.parametrize("days", [7, 30, 90, 365])
def test_mood_chart_is_a_png_of_the_agreed_size(days: int) -> None:
    chart = mood_chart(seeded_entries(days), LAST, days, streak=4)
    picture = image(draw_mood(chart))
    assert picture.size == style.SIZE_PX == (1080, 1350)
    assert has_colour(picture, style.BLUE)  # the daily points
    assert has_colour(picture, style.VERMILLION)  # the rolling average


def test_mood_chart_without_feelings_or_streak_still_renders() -> None:
    entries = [(LAST - timedelta(days=n), 3, ()) for n in (3, 9)]
    chart = mood_chart(entries, LAST, 30, streak=0)
    assert chart.feelings == () and chart.streak_start is None
    assert image(draw_mood(chart)).size == style.SIZE_PX


def test_the_streak_is_shaded_only_when_there_is_one() -> None:
    entries = [(LAST - timedelta(days=n), 4, ()) for n in range(5)]
    with_streak = image(draw_mood(mood_chart(entries, LAST, 7, streak=5)))
    without = image(draw_mood(mood_chart(entries, LAST, 7, streak=0)))

    def greenish(picture: Image.Image) -> int:
        return sum(
            n
            for n, (r, g, b) in picture.getcolors(maxcolors=1 << 20) or []
            if g > r + 10 and g > b and g > 200  # the light green of the streak band
        )

    assert greenish(with_streak) > 10 * max(greenish(without), 1)


def community(members: list[int], seed: int = 5) -> CommunityChart:
    rng = random.Random(seed)
    weeks = []
    for index, count in enumerate(members):
        rows = [(m, rng.randint(1, 5)) for m in range(count) for _ in range(3)]
        weeks.append(Week(LAST - timedelta(weeks=len(members) - index), aggregate(rows, 5)))
    return CommunityChart(tuple(weeks), 5)


def test_community_chart_is_a_png_of_the_agreed_size() -> None:
    chart = community([9, 4, 40, 7])  # one week below the threshold, one with bands
    assert any(w.bands for w in chart.weeks)
    picture = image(draw_community(chart))
    assert picture.size == style.SIZE_PX
    assert has_colour(picture, style.BLUE) and has_colour(picture, style.VERMILLION)


def test_bands_not_drawn_are_not_in_the_legend() -> None:
    chart = community([9, 4, 12, 7])  # no week with every band big enough
    assert not any(w.bands for w in chart.weeks)
    assert not has_colour(image(draw_community(chart)), style.BLUE)


def test_below_the_threshold_there_is_no_community_chart() -> None:
    chart = community([4, 3, 4, 2])
    assert not chart.drawable
    with pytest.raises(ValueError):
        draw_community(chart)


def draw_with_pid(chart: MoodChart) -> tuple[int, bytes]:
    return os.getpid(), draw_mood(chart)


def draw_with_thread(chart: MoodChart) -> tuple[int, bytes]:
    return threading.get_ident(), draw_mood(chart)


async def ticks_while(work: Awaitable[T]) -> tuple[int, T]:
    """Run `work` and count how often another coroutine got the loop meanwhile."""
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    try:
        result = await work
    finally:
        done.set()
        await task
    return ticks, result


async def test_rendering_runs_in_a_worker_process_while_the_loop_goes_on() -> None:
    renderer = ChartRenderer()
    chart = mood_chart(seeded_entries(365), LAST, 365, streak=3)
    try:
        ticks, (pid, png) = await ticks_while(renderer.render(draw_with_pid, chart))
    finally:
        renderer.close()
    assert pid != os.getpid()
    assert ticks > 1  # the loop kept running other work while the chart was drawn
    assert image(png).size == style.SIZE_PX


async def test_a_dead_worker_is_replaced() -> None:
    renderer = ChartRenderer()
    chart = mood_chart(seeded_entries(30), LAST, 30, streak=3)
    try:
        first, _ = await renderer.render(draw_with_pid, chart)
        os.kill(first, signal.SIGKILL)
        await asyncio.sleep(0.2)
        second, png = await renderer.render(draw_with_pid, chart)
    finally:
        renderer.close()
    assert second != first
    assert image(png).size == style.SIZE_PX


async def test_the_thread_mode_draws_off_the_loop_thread_too() -> None:
    renderer = ChartRenderer(process=False)
    chart = mood_chart(seeded_entries(30), LAST, 30, streak=3)
    try:
        ticks, (thread, png) = await ticks_while(renderer.render(draw_with_thread, chart))
    finally:
        renderer.close()
    assert thread != threading.get_ident() and ticks > 1
    assert image(png).size == style.SIZE_PX


def draw_slowly(chart: MoodChart) -> bytes:
    time.sleep(1.0)
    return draw_mood(chart)


def draw_badly(chart: MoodChart) -> bytes:
    raise RuntimeError("broken")


async def test_a_chart_that_fails_or_hangs_yields_no_picture(
    caplog: pytest.LogCaptureFixture,
) -> None:
    renderer = ChartRenderer(process=False, timeout=0.2)
    chart = mood_chart(seeded_entries(30), LAST, 30, streak=3)
    try:
        assert await renderer.picture(draw_badly, chart, "bad.png", "alt") is None
        assert await renderer.picture(draw_slowly, chart, "slow.png", "alt") is None
        renderer.timeout = 20.0
        picture = await renderer.picture(draw_mood, chart, "good.png", "a chart")
    finally:
        renderer.close()
    assert "drawing bad.png failed" in caplog.text and "drawing slow.png took over" in caplog.text
    assert picture is not None and picture.name == "good.png" and picture.alt == "a chart"
    assert image(picture.data).size == style.SIZE_PX
