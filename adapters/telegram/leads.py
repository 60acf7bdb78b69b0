"""Who leads a Telegram group: its administrators and creator, asked of Telegram and cached
briefly so a burst of commands costs one getChatMember per member."""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import TTLCache
from telegram import Bot, ChatMember
from telegram.error import TelegramError

LEAD_STATUSES = {ChatMember.ADMINISTRATOR, ChatMember.OWNER}
KNOWN = 10_000  # (group, member) answers kept at most


class LeadCache:
    def __init__(self, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        # Bounded in size and age: an answer older than `ttl` is asked again anyway.
        self._known: TTLCache[tuple[int, int], bool] = TTLCache(KNOWN, ttl, timer=clock)

    async def is_lead(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        key = (chat_id, user_id)
        cached = self._known.get(key)
        if cached is not None:
            return cached
        try:
            member = await bot.get_chat_member(chat_id, user_id)
            lead = member.status in LEAD_STATUSES
        except TelegramError:
            lead = False  # when Telegram cannot say, nobody gets lead powers
        self._known[key] = lead
        return lead
