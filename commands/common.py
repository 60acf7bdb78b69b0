"""Small helpers the feature modules share for phrasing and scoping."""

from __future__ import annotations

from bot.core.messages import Actor, Place, Reply, Request, private, public
from bot.core.options import ArgumentError
from bot.services.people import Scope

NO_GROUP = (
    "This belongs to a group. Use it in your group's chat, or talk in a group with Haven "
    "first so I know which one you mean."
)


def need_community(scope: Scope) -> int:
    """Lead edits and group settings need a group; in a direct chat we can't guess which."""
    if scope.community is None:
        raise ArgumentError(NO_GROUP)
    return scope.community.id


def lead_scope(scope: Scope) -> int:
    if not scope.in_group or scope.community is None:
        raise ArgumentError("run this in the group you lead, so I know which group to change")
    return scope.community.id


def celebrate(text: str, request: Request, public_ok: bool) -> Reply:
    """A celebration is private unless the member chose public ones and we are in a group."""
    if public_ok and not request.place.is_direct:
        return public(text, to=request.place)
    return private(text)


def dm(actor: Actor, text: str) -> Reply:
    return private(text, to=actor)


def chat(place: Place, text: str, **kwargs: object) -> Reply:
    return public(text, to=place, **kwargs)  # type: ignore[arg-type]
