"""Live answers, tried again: a member's answer must not be lost to one 5xx or a dropped
connection. Bounded so the whole try stays inside the platform's deadline; what still fails is
the caller's to account for (a crisis reply goes to the durable outbox, ahead of everything).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Policy:
    attempts: int = 4
    first_delay: float = 0.4  # then doubled, with jitter: 0.4, 0.8, 1.6 s
    max_wait: float = 8.0  # the longest a "retry after" may hold one attempt back
    budget: float = 12.0  # all waits together


LIVE = Policy()


async def retrying(
    call: Callable[[], Awaitable[T]],
    *,
    transient: Callable[[BaseException], float | None],
    policy: Policy = LIVE,
    what: str = "a reply",
    rng: random.Random | None = None,
) -> T:
    """Run `call`, again after a pause while `transient(error)` says how long to wait (None:
    not transient, raise at once). The last error is raised when attempts or budget run out."""
    rng = rng or random
    delay, spent = policy.first_delay, 0.0
    for attempt in range(1, policy.attempts + 1):
        try:
            return await call()
        except Exception as error:
            wait = transient(error)
            if wait is None or attempt == policy.attempts:
                raise
            pause = min(max(wait, delay * (0.5 + rng.random())), policy.max_wait)
            if spent + pause > policy.budget:
                raise
            log.warning("sending %s failed (%s); trying again in %.1f s", what, error, pause)
            await asyncio.sleep(pause)
            spent += pause
            delay *= 2
    raise AssertionError("unreachable")
