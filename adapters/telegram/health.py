"""Whether polling is alive: getUpdates does not pass through the rate limiter, so its own HTTP
request object watches each answer. A 401 (the token was revoked) is fatal at once; a long
time with no answer at all means polling has stopped. The adapter's watchdog reads both."""

from __future__ import annotations

import time
from collections.abc import Callable

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import HTTPXRequest, RequestData


class PollHealth(HTTPXRequest):
    """The getUpdates request of the bot (one connection, as python-telegram-bot's own)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(connection_pool_size=1)
        self.clock = clock
        self.last_answer = clock()
        self.fatal: str | None = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if status == 401:
            self.fatal = "the token was rejected (401 Unauthorized)"
        elif status < 500:
            self.last_answer = self.clock()
        return status, body
