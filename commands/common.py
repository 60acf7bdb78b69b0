"""Small helpers the feature modules share for scoping and phrasing."""

from __future__ import annotations

from bot.core.messages import Reply, Request, private, public
from bot.core.options import ArgumentError
from bot.services.people import Scope


def lead_scope(scope: Scope) -> int:
    """Lead edits change one group, so they must be typed in that group, not in a DM."""
    if not scope.in_group or scope.community is None:
        raise ArgumentError("run this in the group you lead, so I know which group to change")
    return scope.community.id


def celebrate(text: str, request: Request, public_ok: bool) -> Reply:
    """A celebration is private unless the member chose public ones and we are in a group."""
    if public_ok and not request.place.is_direct:
        return public(text, to=request.place)
    return private(text)
