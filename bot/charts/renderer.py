"""Charts are drawn on one worker thread, so the event loop keeps answering meanwhile.

One thread, not a pool: matplotlib's font cache and rc settings are process-wide, and a chart
takes a fraction of a second, so a queue of one worker is both safe and fast enough. Charts are
returned as bytes and never stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class ChartRenderer:
    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="haven-charts")
        return self._pool

    async def render(self, draw: Callable[[T], bytes], data: T) -> bytes:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(), draw, data)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
