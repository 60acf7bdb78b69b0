"""Consent, what is stored, export, erasure and retention for members' data."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from cachetools import TTLCache

from bot.core.clock import Clock
from bot.core.messages import Request
from bot.i18n import _
from bot.settings import PrivacySection
from bot.storage.inbound import KEEP as UPDATES_KEEP
from bot.storage.people import CACHE_AGE, MEMBERS_CACHED, CommunityRepo, MemberRepo
from bot.storage.privacy import PrivacyRepo

OUTBOX_KEEP = timedelta(days=1)
POSTS_KEEP = timedelta(days=400)
# A check-in, milestone or reminder given before consent waits here, in memory only (nothing
# is stored before consent), until the member agrees, refuses, or an hour has passed.
PENDING_SECONDS = 3600


class PrivacyService:
    def __init__(
        self,
        repo: PrivacyRepo,
        members: MemberRepo,
        communities: CommunityRepo,
        clock: Clock,
        settings: PrivacySection,
    ) -> None:
        self.repo = repo
        self.members = members
        self.communities = communities
        self.clock = clock
        self.settings = settings
        # Consent is checked on every check-in, so it is cached (bounded in size and age).
        self._consented: TTLCache[int, bool] = TTLCache(MEMBERS_CACHED, CACHE_AGE)
        repo.on_consent_change(self._forget_consent)  # withdrawn in any process
        self._pending: TTLCache[int, Request] = TTLCache(MEMBERS_CACHED, PENDING_SECONDS)

    def _forget_consent(self, member_id: int | None) -> None:
        if member_id is None:
            self._consented.clear()
        else:
            self._consented.pop(member_id, None)

    def hold(self, member_id: int, request: Request) -> None:
        """Keep what the member asked for until they answer the consent question (the latest
        request only)."""
        self._pending[member_id] = request

    def take_pending(self, member_id: int) -> Request | None:
        return self._pending.pop(member_id, None)

    async def consent_given(self, member_id: int) -> str | None:
        """When the member agreed (an ISO timestamp), or None."""
        return await self.repo.consent_given(member_id)

    async def has_consent(self, member_id: int) -> bool:
        if member_id in self._consented:
            return True
        if await self.repo.consent_given(member_id) is not None:
            self._consented[member_id] = True
            return True
        return False

    async def consent(self, member_id: int) -> None:
        await self.repo.give_consent(member_id, self.clock.now())
        self._consented[member_id] = True

    async def withdraw(self, member_id: int) -> None:
        self._consented.pop(member_id, None)
        self._pending.pop(member_id, None)  # refused: what waited is forgotten
        await self.repo.withdraw_consent(member_id)

    async def stored(self, member_id: int) -> dict[str, int]:
        return await self.repo.counts(member_id)

    async def export(self, member_id: int) -> bytes:
        data: dict[str, Any] = {
            "exported_at": self.clock.now().isoformat(timespec="seconds"),
            "about": _("Everything Haven stores about you. /forgetme erases it."),
            **await self.repo.export(member_id),
        }
        return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")

    async def erase(self, member_id: int) -> int:
        self._consented.pop(member_id, None)
        return await self.repo.erase(member_id)  # every process's caches forget the member

    async def purge(self, now: datetime) -> tuple[int, int, int, int, int]:
        """Retention, daily: (notes, check-ins, sent messages, platform updates, kept posts)
        removed. A post is kept up to date at most until its event is over: events are
        planned at most a year ahead."""
        return await self.repo.purge(
            now - timedelta(days=self.settings.note_days),
            now - timedelta(days=self.settings.checkin_days),
            now - OUTBOX_KEEP,
            now - UPDATES_KEEP,
            now - POSTS_KEEP,
        )
