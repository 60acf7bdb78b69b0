"""A group's invitation card decides here: which links and descriptions a lead may put on a card
that members carry to other places, where the people who read it cannot ask us what it meant.

So the link must be a plain https:// address with a host (no http://, no javascript:, no
tg:// that only some apps open), short enough to print and type, with nothing invisible in it:
a right-to-left override or a zero-width character could make the printed link read as one
place and lead to another."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from urllib.parse import urlsplit

from bot.i18n import _
from bot.storage.invites import InviteRow, InviteStore

MAX_LINK = 300
MAX_ABOUT = 200


def check_link(link: str) -> str:
    """The link as given, or ValueError saying what is wrong with it."""
    link = link.strip()
    if not link:
        raise ValueError(_("give the group's invite link, starting with https://"))
    if len(link) > MAX_LINK:
        raise ValueError(
            _("the link is at most {n} characters, not {length}").format(
                n=MAX_LINK, length=len(link)
            )
        )
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in link):
        raise ValueError(_("the link can't have spaces or invisible characters in it"))
    try:
        parts = urlsplit(link)
        host = parts.hostname
    except ValueError:  # a malformed port or bracketed host
        host = None
        parts = None
    if parts is None or parts.scheme != "https" or not host or "." not in host.strip("."):
        raise ValueError(
            _("the link must start with https:// and name a site, like https://t.me/+abc123")
        )
    return link


def check_about(about: str | None) -> str | None:
    """The description stripped (None when empty), or ValueError when it is too long."""
    text = (about or "").strip()
    if len(text) > MAX_ABOUT:
        raise ValueError(
            _("the description is at most {n} characters, not {length}").format(
                n=MAX_ABOUT, length=len(text)
            )
        )
    return text or None


class InviteService:
    def __init__(self, repo: InviteStore) -> None:
        self.repo = repo

    async def get(self, community_id: int) -> InviteRow | None:
        return await self.repo.get(community_id)

    async def set(
        self, community_id: int, link: str, about: str | None, now: datetime
    ) -> InviteRow:
        """Both checked before anything is stored: a refused link leaves the old card as it
        was. Raises ValueError with a translated reason."""
        checked_link = check_link(link)
        checked_about = check_about(about)
        return await self.repo.set(community_id, checked_link, checked_about, now)
