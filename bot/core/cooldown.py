"""Per-member command cooldown: a member typing (or pressing) faster than a person reasonably
would gets one polite notice, then silence until the window has room again.

/sos and the crisis screen are never limited: they run before this check or are exempt.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from cachetools import TTLCache

TRACKED = 10_000  # members whose last minute is remembered at most
NOTICE = (
    "You're sending commands faster than I can keep up with, so I'll pause for a moment. "
    "/sos always works."
)


class Cooldown:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        # A member quiet for a minute has an empty window, so that is how long one is kept;
        # bounded in size too, so memory stays flat with any number of members.
        self._recent: TTLCache[tuple[str, str], deque[float]] = TTLCache(TRACKED, 60.0, timer=clock)
        self._noticed: TTLCache[tuple[str, str], bool] = TTLCache(TRACKED, 60.0, timer=clock)

    def check(self, platform: str, user_id: str) -> str | None:
        """None to go ahead; the notice text once when over the limit; "" (silence) after."""
        key = (platform, user_id)
        now = self.clock()
        recent = self._recent.get(key) or deque()
        self._recent[key] = recent  # set again: kept a minute from the latest command
        while recent and recent[0] <= now - 60.0:
            recent.popleft()
        if len(recent) < self.per_minute:
            recent.append(now)
            self._noticed.pop(key, None)
            return None
        if key in self._noticed:
            return ""
        self._noticed[key] = True
        return NOTICE
