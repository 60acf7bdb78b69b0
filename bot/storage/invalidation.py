"""Changes every process hears of: caches that every process can keep true, and the leader's
work (bot/delivery/leader.py) told of schedules changed and messages queued anywhere. A cache
(members, communities, consent) subscribes to a kind of row; whoever changes such a row says
so once, and every cache of that kind in every process forgets it. On SQLite there is one
process, so saying so is a call; on PostgreSQL it is also a NOTIFY that each process's
listening connection hears (bot/storage/postgres.py).

`key` None means "forget everything of that kind": what a process does when it may have missed
a notice (its listening connection went away and came back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)
CACHE_CHANNEL = "haven_cache"
# Kinds besides the caches': a schedule changed (the leader replans it), messages queued (the
# leader's senders look at once rather than at their next idle look; the key is always None).
SCHEDULE, OUTBOX = "schedule", "outbox"
# A conversation asked for or an urgent alert raised: the peer-support job looks again.
SUPPORT = "support"
# A poll opened: the job that closes polls at their end learns the new earliest end.
POLLS = "polls"
Forget = Callable[[int | None], None]


class Invalidations:
    def __init__(self) -> None:
        self._subscribers: dict[str, list[Forget]] = {}

    def on_change(self, kind: str, forget: Forget) -> None:
        self._subscribers.setdefault(kind, []).append(forget)

    def changed(self, kind: str, key: int | None) -> None:
        """A row of `kind` changed here: this process's caches forget it now, and (on
        PostgreSQL) the others' as soon as they hear."""
        self.heard(kind, key)
        self.tell_others(kind, key)

    def heard(self, kind: str, key: int | None) -> None:
        for forget in self._subscribers.get(kind, ()):
            forget(key)

    def forget_all(self) -> None:
        for kind in self._subscribers:
            self.heard(kind, None)

    def tell_others(self, kind: str, key: int | None) -> None:
        """Nothing to tell on SQLite: no other process shares the file."""

    @staticmethod
    def parse(payload: str) -> tuple[str, int | None] | None:
        kind, _, key = payload.partition(":")
        if not kind:
            return None
        if key == "*":
            return kind, None
        return (kind, int(key)) if key.isdigit() else None
