"""Telegram's flood limits, kept before sending rather than discovered by 429s.

Limits (Bot API FAQ): about 30 messages per second overall, 1 per second in one chat, 20 per
minute in one group. A 429 pauses every send for `retry_after` (it applies to the bot, not to
one request), then the request is sent once more.

Telegram counts a message when it arrives, which is somewhere between our decision to send and
the answer. So a send occupies its place in every window from the moment it is started until
its answer, and windows are measured from the answer: network jitter can then never bunch
messages together on Telegram's side.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import InvalidToken, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)
INFLIGHT = float("inf")
PRUNE_EVERY = 1000  # sends between two clean-ups of chats no window remembers
BULK = 2  # rate_limit_args of outbox sends (fan-outs); anything else is a live answer
# Outbox sends under way at once, at most. Each is marked as tried just before its request, and
# one marked so when the process dies is not sent again (it may have reached Telegram): the
# fewer under way, the fewer a crash leaves unsent. Ten still keep 30 a second at 300 ms a
# request.
BULK_IN_FLIGHT = 10
# Places of the overall second the ledger of several processes leaves free: its window starts
# when a place is taken, just before the request, not when Telegram counts the message.
LEDGER_MARGIN = 2
LEDGER_WINDOW = 1.05  # seconds: Telegram's second, and a little for the way there


@dataclass(frozen=True)
class Bulk:
    """rate_limit_args of an outbox send: bulk priority, and what to await just before the
    request goes out (the outbox records its attempt there)."""

    attempt: Callable[[], Awaitable[None]] | None = None


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


class FloodLimiter(BaseRateLimiter[int | Bulk]):
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
        # Processes sending for the same bot (several on one PostgreSQL database): Telegram's
        # limits are the bot's. With a `ledger` each send also takes a place among every
        # process's sends of the last second (so the leader's fan-out may use what the others
        # leave free); without one, or while it cannot be reached, each process keeps to its
        # share of the overall budget. Groups' minutes are always shared out.
        self.share = 1
        self.ledger: Callable[[int], Awaitable[float]] | None = None
        self._ledger_down_until = -1e9
        self.chat_interval = chat_interval
        self.group_per_minute = group_per_minute
        self.clock = clock
        self.sleep = sleep
        self._sends: list[list[float]] = []  # [finished at]; INFLIGHT while under way
        self._chat_last: dict[str, float] = {}
        self._group_recent: dict[str, deque[float]] = {}
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self._finished = 0
        self._bulk_turn = asyncio.Lock()
        self._answer_event = asyncio.Event()
        self._paused_until = 0.0
        self._bulk_in_flight = asyncio.Semaphore(BULK_IN_FLIGHT)
        self.fatal: str | None = None  # why the bot cannot go on (a rejected token), if so

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
        rate_limit_args: int | Bulk | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint not in SENDS:
            try:
                result = await callback(*args, **kwargs)
            except InvalidToken:
                self.fatal = "the token was rejected (401 Unauthorized)"
                raise
            return result
        chat = str(data.get("chat_id", ""))
        bulk = isinstance(rate_limit_args, Bulk) or rate_limit_args == BULK
        return await self._limited(callback, args, kwargs, chat, rate_limit_args, bulk)

    async def _limited(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        chat: str,
        rate_limit_args: int | Bulk | None,
        bulk: bool,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        for attempt in (1, 2):
            send = await self._acquire(chat, bulk)
            try:
                if not bulk:
                    return await callback(*args, **kwargs)
                async with self._bulk_in_flight:  # marked as tried only once under way
                    if isinstance(rate_limit_args, Bulk) and rate_limit_args.attempt is not None:
                        await rate_limit_args.attempt()
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == 2:
                    raise
                wait = seconds(error)
                log.warning("Telegram asked to wait %.1f s; pausing all sends", wait)
                self._paused_until = max(self._paused_until, self.clock() + wait)
            finally:
                self._finish(chat, send)
        raise AssertionError("unreachable")

    async def _acquire(self, chat: str, bulk: bool) -> list[float]:
        """A place in the overall window and the chat's turn. A live answer takes the chat
        first (its overall place comes at once: it skips the bulk queue). A bulk send takes
        its overall place first, then the chat: holding a chat while queueing for the bulk
        turn would make a member's answer, a crisis reply included, wait behind a fan-out."""
        if not bulk:
            return await self._chat_turn(chat, lambda: self._overall_slot(False))
        send = await self._overall_slot(True)
        try:
            await self._chat_turn(chat, None)
        except BaseException:
            send[0] = self.clock()  # the place goes back (counted as used: conservative)
            raise
        return send

    async def _chat_turn(
        self, chat: str, then: Callable[[], Awaitable[list[float]]] | None
    ) -> list[float]:
        """Wait until `chat` may have a message (none in flight there, its interval and the
        group's minute kept), run `then` while still holding the chat, and mark it in flight."""
        lock = self._chat_locks.setdefault(chat, asyncio.Lock())
        async with lock:
            while True:
                now = self.clock()
                if self._chat_last.get(chat) == INFLIGHT:
                    await self._answered()  # the previous message here has no answer yet
                    continue
                delay = max(self._paused_until - now, self._chat_delay(chat, now))
                if delay <= 0:
                    break
                await self.sleep(delay)
            send = await then() if then is not None else []
            self._chat_last[chat] = INFLIGHT
            return send

    def _finish(self, chat: str, send: list[float]) -> None:
        now = self.clock()
        send[0] = now
        self._chat_last[chat] = now
        if chat.startswith("-"):
            self._group_recent.setdefault(chat, deque()).append(now)
        self._finished += 1
        if self._finished % PRUNE_EVERY == 0:
            self._prune(now)
        self._answer_event.set()
        self._answer_event = asyncio.Event()

    def _prune(self, now: float) -> None:
        """Forget chats whose last message is older than every window (a minute), so memory
        follows the chats written to lately, not every chat ever written to."""
        for chat in [c for c, last in self._chat_last.items() if last < now - 60.0]:
            lock = self._chat_locks.get(chat)
            if lock is not None and lock.locked():
                continue
            del self._chat_last[chat]
            self._chat_locks.pop(chat, None)
            self._group_recent.pop(chat, None)

    async def _answered(self) -> None:
        await self._answer_event.wait()

    async def _overall_slot(self, bulk: bool) -> list[float]:
        """A place in the overall per-second window. Bulk sends (the outbox) wait their turn
        one at a time and leave `reserve` places free, so a member's answer or a crisis reply
        never queues behind a fan-out: those skip the bulk queue."""
        held = self.reserve if bulk else 0
        async with self._bulk_turn if bulk else contextlib.nullcontext():
            alone = max(1, self.overall // max(self.share, 1) - held)
            ledger = self.ledger is not None and self.share > 1
            if ledger and self.clock() >= self._ledger_down_until:
                send = await self._take_place(self.overall - held)
                if await self._shared_place(self.overall - LEDGER_MARGIN - held):
                    return send
                self._give_back(send)
            return await self._take_place(alone)

    async def _shared_place(self, cap: int) -> bool:
        """A place among every process's sends (the ledger), after this process's own; False
        when the ledger cannot be reached (this process then keeps to its share for a
        minute: a database away must not silence a crisis reply)."""
        assert self.ledger is not None
        while True:
            try:
                wait = await self.ledger(cap)
            except Exception as error:
                if self.clock() >= self._ledger_down_until:
                    log.warning("sends are shared out per process for a minute: %s", error)
                self._ledger_down_until = self.clock() + 60.0
                return False
            if wait <= 0:
                return True
            await self.sleep(wait)

    def _give_back(self, send: list[float]) -> None:
        """A place taken and not used: free, and whoever waits for one looks again."""
        self._sends = [s for s in self._sends if s is not send]
        self._answer_event.set()
        self._answer_event = asyncio.Event()

    async def _take_place(self, cap: int) -> list[float]:
        while True:
            now = self.clock()
            self._sends = [s for s in self._sends if s[0] > now - 1.0]
            if len(self._sends) < cap:
                send = [INFLIGHT]
                self._sends.append(send)
                return send
            finished = sorted(s[0] for s in self._sends if s[0] != INFLIGHT)
            excess = len(self._sends) - cap
            if len(finished) > excess:
                await self.sleep(max(finished[excess] + 1.0 - now, 0.0005))
            else:
                await self._answered()

    def _chat_delay(self, chat: str, now: float) -> float:
        delay = self._chat_last.get(chat, -1e9) + self.chat_interval - now
        recent = self._group_recent.get(chat)
        if recent is not None:
            while recent and recent[0] <= now - 60.0:
                recent.popleft()
            if len(recent) >= max(1, self.group_per_minute // max(self.share, 1)):
                delay = max(delay, recent[0] + 60.0 - now)
        return delay


def seconds(error: RetryAfter) -> float:
    """`retry_after` is an int in PTB 22 (with a deprecation warning) and a timedelta later."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        after = error.retry_after
    return after.total_seconds() if isinstance(after, timedelta) else float(after)
