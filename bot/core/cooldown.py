"""Per-member command cooldown: a member typing (or pressing) faster than a person reasonably
would gets one polite notice, then silence until the window has room again.

/sos and the crisis screen are never limited: they run before this check or are exempt.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

NOTICE = (
    "You're sending commands faster than I can keep up with, so I'll pause for a moment. "
    "/sos always works."
)


class Cooldown:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._recent: dict[tuple[str, str], deque[float]] = {}
        self._noticed: set[tuple[str, str]] = set()

    def check(self, platform: str, user_id: str) -> str | None:
        """None to go ahead; the notice text once when over the limit; "" (silence) after."""
        key = (platform, user_id)
        now = self.clock()
        recent = self._recent.setdefault(key, deque())
        while recent and recent[0] <= now - 60.0:
            recent.popleft()
        if len(recent) < self.per_minute:
            recent.append(now)
            self._noticed.discard(key)
            return None
        if key in self._noticed:
            return ""
        self._noticed.add(key)
        return NOTICE
