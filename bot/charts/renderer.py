"""Charts are drawn in one worker process, so the event loop keeps answering meanwhile.

A thread is not enough: matplotlib's Agg drawing and text layout hold the GIL in C code, and a
365-day chart stalled the loop for about 80 ms at a time (`python -m bench.charts` measures
the stall). A separate process stalls nothing. It is started lazily with `spawn` (safe beside
the loop's threads, the same on every OS), warmed up in the background so the first chart does
not pay for importing matplotlib, and replaced if it dies. One worker, so memory stays bounded
and charts queue in order. Charts come back as bytes and are never stored.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from bot.core.messages import Attachment

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger(__name__)


def watch_parent(parent: int) -> None:
    """In the worker: end it when the bot's process is gone, even killed with no chance to
    say so, so no worker (nor the resource tracker it holds open) outlives a SIGKILL."""
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="haven-parent-watch", daemon=True).start()


def warm_up() -> None:
    """Import matplotlib and load its fonts in the worker, before anyone waits for a chart."""
    from datetime import date

    from bot.charts.mood import draw_mood
    from bot.domain.charts import mood_chart

    draw_mood(mood_chart([(date(2026, 1, 1), 3, ("calm",))], date(2026, 1, 1), 7, streak=1))


class ChartRenderer:
    """`process=False` draws on a worker thread instead (for environments that cannot start a
    process); the result is the same picture."""

    def __init__(self, *, process: bool = True, timeout: float = 20.0) -> None:
        self.process = process
        self.timeout = timeout  # a chart that takes longer is given up for its words
        self._pool: Executor | None = None

    def _executor(self) -> Executor:
        if self._pool is None:
            if self.process:
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=context,
                    initializer=watch_parent,
                    initargs=(os.getpid(),),
                )
            else:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="haven-charts")
        return self._pool

    def start(self) -> None:
        """Start the worker and warm it up without waiting for it."""
        self._executor().submit(warm_up)

    async def render(self, draw: Callable[[T], R], data: T) -> R:
        """`draw` must be a module-level function and `data` picklable (a worker process)."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor(), draw, data)
        except BrokenProcessPool:
            log.warning("the chart worker stopped; starting a new one")
            self.close()
            return await loop.run_in_executor(self._executor(), draw, data)

    async def picture(
        self, draw: Callable[[T], bytes], data: T, name: str, alt: str
    ) -> Attachment | None:
        """A PNG attachment, or None when drawing failed: the words that go with every chart
        are then sent alone, so a broken renderer never costs a member their answer."""
        try:
            png = await asyncio.wait_for(self.render(draw, data), self.timeout)
        except TimeoutError:
            log.error("drawing %s took over %.0f s; sending its text alone", name, self.timeout)
            self.close()  # the next chart gets a fresh worker instead of queueing behind this one
            return None
        except Exception:
            log.exception("drawing %s failed; sending its text alone", name)
            return None
        return Attachment(name, png, "image/png", alt)

    async def stop(self, timeout: float = 5.0) -> None:
        """At the process's end: wait (briefly) for the worker to be gone. Left running, its
        management thread may close a pipe while the interpreter's exit hook writes to it, which
        prints an `OSError: Bad file descriptor` traceback as Haven exits (Python 3.11)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        stopping = asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
        try:
            await asyncio.wait_for(stopping, timeout)
        except TimeoutError:
            log.warning("the chart worker did not stop within %.0f s", timeout)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
