"""Lead alerts: a member pressed "Tell a group lead". The alert goes through the durable outbox
(retried, rate-limited, never lost to one failed request), at most one a member in a while,
and the member is told the truth afterwards: delivered, or no lead could be reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.messages import Reply
from bot.delivery.outbox import Outbox
from bot.storage.outbox import CRISIS, OutboxItem

EVERY = timedelta(minutes=10)


@dataclass(frozen=True)
class Alerted:
    """`queued` True: the alert is on its way (the member hears when it arrives); else the
    member alerted a lead `since` ago and no new alert was sent."""

    queued: bool
    since: timedelta = timedelta(0)


class LeadAlerts:
    def __init__(self, outbox: Outbox, clock: Clock, every: timedelta = EVERY) -> None:
        self.outbox = outbox
        self.clock = clock
        self.every = every

    async def alert(
        self,
        community_id: int,
        member_id: int,
        alert: Reply,
        delivered: Reply,
        undelivered: Reply,
    ) -> Alerted:
        """Queue `alert` (addressed to the lead) unless this member alerted this community's
        lead less than `every` ago; `delivered` / `undelivered` go to the member afterwards."""
        now = self.clock.now()
        prefix = f"alert:{community_id}:{member_id}:"
        last = await self.outbox.repo.last_queued(prefix)
        if last is not None and now - last < self.every:
            return Alerted(False, now - last)
        key = prefix + _stamp(now)
        reports = {"sent": delivered, "undelivered": undelivered}
        await self.outbox.enqueue([OutboxItem(key, alert, None, CRISIS, reports)])
        return Alerted(True)

    async def urgent(self, alerts: list[Reply]) -> int:
        """Urgent alerts to leads (bot/services/support.py decides who), queued ahead of
        everything else and each once (its key): sent even if this process stops now."""
        items = [
            OutboxItem(a.idempotency_key or f"urgent:{_stamp(self.clock.now())}", a, None, CRISIS)
            for a in alerts
            if a.to is not None
        ]
        if items:
            await self.outbox.enqueue(items)
        return len(items)


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%f")
