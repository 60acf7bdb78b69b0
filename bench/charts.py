"""Chart rendering time (30 and 365 days, and the community chart) beside two anchors from the
same run: the bare cost of saving an empty figure of the same size as PNG (what any chart pays,
however simple), and the one-second budget the issue sets.

It also measures what a render costs the event loop: the longest gap between ticks of a 5 ms
ticker while charts render in the worker process, and on a worker thread for comparison, beside
the same ticker's longest gap with nothing rendering.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.charts import style
from bot.charts.community import draw_community
from bot.charts.mood import draw_mood
from bot.charts.renderer import ChartRenderer
from bot.domain.aggregates import aggregate
from bot.domain.charts import CommunityChart, Week, mood_chart
from bot.domain.moods import FEELINGS

LAST = date(2026, 11, 30)


def seeded(days: int) -> Any:
    rng = random.Random(days)
    entries = [
        (LAST - timedelta(days=n), rng.randint(1, 5), tuple(rng.sample(FEELINGS, 2)))
        for n in range(days)
        for _ in range(rng.choice((0, 1, 1, 2)))  # gaps, and days with two check-ins
    ]
    return mood_chart(entries, LAST, days, streak=12)


def seeded_community() -> CommunityChart:
    """Four weeks of a lively group, the second one too quiet to be shown."""
    rng = random.Random(4)
    weeks = []
    for n, members in zip(range(4, 0, -1), (40, 4, 40, 40), strict=True):
        rows = [(m, rng.randint(1, 5)) for m in range(members) for _ in range(rng.randint(0, 5))]
        weeks.append(Week(LAST - timedelta(weeks=n), aggregate(rows, 5)))
    return CommunityChart(tuple(weeks), 5)


def save_examples(folder: Path) -> list[Path]:
    """The pictures the README shows, drawn from the same seeded data as the bench."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "mood-chart-30-days.png", folder / "community-chart.png"]
    paths[0].write_bytes(draw_mood(seeded(30)))
    paths[1].write_bytes(draw_community(seeded_community()))
    return paths


def empty_png(_: object) -> bytes:
    fig = style.figure()
    return style.png(fig)


def median_ms(draw: Callable[[Any], bytes], data: object, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        draw(data)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def longest_gap_ms(work: Callable[[], Any]) -> float:
    """Longest pause of a 5 ms ticker while `work()` runs."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append((now - last) * 1000)
            last = now

    task = asyncio.create_task(ticker())
    await work()
    done.set()
    await task
    return max(gaps) - 5.0 if gaps else 0.0


async def stall_ms(renderer: ChartRenderer, rounds: int) -> float:
    chart = seeded(365)
    try:
        await renderer.render(draw_mood, chart)  # start and warm the worker first

        async def render_all() -> None:
            for _ in range(rounds):
                await renderer.render(draw_mood, chart)

        return await longest_gap_ms(render_all)
    finally:
        renderer.close()


async def idle_ms(seconds: float) -> float:
    async def idle() -> None:
        await asyncio.sleep(seconds)

    return await longest_gap_ms(idle)


async def main(rounds: int = 7) -> None:
    draw_mood(seeded(7))  # first use loads fonts: warm up outside the measurement
    anchor = median_ms(empty_png, None, rounds)
    figures = {
        "mood chart, 30 days": median_ms(draw_mood, seeded(30), rounds),
        "mood chart, 365 days": median_ms(draw_mood, seeded(365), rounds),
        "community chart, 4 weeks": median_ms(draw_community, seeded_community(), rounds),
    }
    print(f"chart rendering (median of {rounds}, {style.WIDTH_PX}x{style.HEIGHT_PX} PNG):")
    print(f"  anchor: empty figure saved as PNG   {anchor:7.1f} ms")
    for name, ms in figures.items():
        print(f"  {name:<32} {ms:7.1f} ms  = {ms / anchor:4.1f}x anchor, {ms / 10:4.1f}% of 1 s")
    rounds_loop = max(3, rounds // 2)
    process = await stall_ms(ChartRenderer(), rounds_loop)
    thread = await stall_ms(ChartRenderer(process=False), rounds_loop)
    idle = await idle_ms(rounds_loop * 0.2)
    print(
        f"  event loop's longest stall while rendering 365 days: worker process {process:.1f} ms, "
        f"worker thread {thread:.1f} ms (idle loop: {idle:.1f} ms)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--save-examples", type=Path, metavar="DIR", help="write the README's pictures"
    )
    options = parser.parse_args()
    if options.save_examples:
        for path in save_examples(options.save_examples):
            print(f"wrote {path}")
    else:
        asyncio.run(main(options.rounds))
