"""Telegram's flood limits, kept before sending rather than discovered by 429s.

Limits (Bot API FAQ): about 30 messages per second overall, 1 per second in one chat, 20 per
minute in one group. A 429 pauses every send for `retry_after` (it applies to the bot, not to
one request), then the request is sent once more.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)
BULK = 2  # rate_limit_args of outbox sends (fan-outs); anything else is a live answer

SENDS = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "sendPhoto",
        "sendDocument",
        "copyMessage",
        "forwardMessage",
        "sendMediaGroup",
    }
)


class FloodLimiter(BaseRateLimiter[int]):
    """Keeps Telegram's limits before sending; see the module docstring."""

    def __init__(
        self,
        overall_per_second: int = 30,
        chat_interval: float = 1.0,
        group_per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        reserve: int = 1,
    ) -> None:
        self.overall = overall_per_second
        self.reserve = reserve
        self.chat_interval = chat_interval
        self.group_per_minute = group_per_minute
        self.clock = clock
        self.sleep = sleep
        self._recent: deque[float] = deque()
        self._chat_last: dict[str, float] = {}
        self._group_recent: dict[str, deque[float]] = {}
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self._overall_lock = asyncio.Lock()
        self._paused_until = 0.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint not in SENDS:
            return await callback(*args, **kwargs)
        chat = str(data.get("chat_id", ""))
        bulk = rate_limit_args == BULK
        await self._acquire(chat, bulk)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            wait = seconds(error)
            log.warning("Telegram asked to wait %.1f s; pausing all sends", wait)
            self._paused_until = max(self._paused_until, self.clock() + wait)
            await self._acquire(chat, bulk)
            return await callback(*args, **kwargs)

    async def _acquire(self, chat: str, bulk: bool) -> None:
        lock = self._chat_locks.setdefault(chat, asyncio.Lock())
        async with lock:
            while True:
                now = self.clock()
                delay = max(self._paused_until - now, self._chat_delay(chat, now))
                if delay <= 0:
                    break
                await self.sleep(delay)
            now = await self._overall_slot(bulk)
            self._chat_last[chat] = now
            if chat.startswith("-"):
                self._group_recent.setdefault(chat, deque()).append(now)

    async def _overall_slot(self, bulk: bool) -> float:
        """A slot in the overall per-second window. Bulk sends (the outbox) leave `reserve`
        slots free, so a member's answer or a crisis reply never queues behind a fan-out. The
        lock is never held while sleeping, so an urgent send can take a slot meanwhile."""
        cap = self.overall - (self.reserve if bulk else 0)
        while True:
            async with self._overall_lock:
                now = self.clock()
                while self._recent and self._recent[0] <= now - 1.0:
                    self._recent.popleft()
                if len(self._recent) < cap:
                    self._recent.append(now)
                    return now
                delay = self._recent[len(self._recent) - cap] + 1.0 - now
            await self.sleep(max(delay, 0.001))

    def _chat_delay(self, chat: str, now: float) -> float:
        delay = self._chat_last.get(chat, -1e9) + self.chat_interval - now
        recent = self._group_recent.get(chat)
        if recent is not None:
            while recent and recent[0] <= now - 60.0:
                recent.popleft()
            if len(recent) >= self.group_per_minute:
                delay = max(delay, recent[0] + 60.0 - now)
        return delay


def seconds(error: RetryAfter) -> float:
    """`retry_after` is an int in PTB 22 (with a deprecation warning) and a timedelta later."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        after = error.retry_after
    return after.total_seconds() if isinstance(after, timedelta) else float(after)
