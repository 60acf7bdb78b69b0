"""Small helpers the feature modules share for scoping and phrasing."""

from __future__ import annotations

from bot.core.messages import Button, Reply, Request, button_rows, private, public
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import pack_action
from bot.domain.moods import MOODS
from bot.i18n import N_, _
from bot.services.people import Scope

# The switch option of every on/off setting.
ON_OFF = Option("state", Kind.WORD, N_("on or off"), required=True, choices=("on", "off"))


def lead_scope(scope: Scope) -> int:
    """Lead edits change one group, so they must be typed in that group, not in a DM."""
    if not scope.in_group or scope.community is None:
        raise ArgumentError(_("run this in the group you lead, so I know which group to change"))
    return scope.community.id


def celebrate(text: str, request: Request, public_ok: bool) -> Reply:
    """A celebration is private unless the member chose public ones and we are in a group."""
    if public_ok and not request.place.is_direct:
        return public(text, to=request.place)
    return private(text)


def mood_buttons() -> tuple[tuple[Button, ...], ...]:
    """The five mood buttons; a press is the command `/checkin N` from the presser."""
    buttons = [
        Button(f"{m.emoji} {m.value} {m.shown}", action=pack_action("checkin", m.value))
        for m in MOODS.values()
    ]
    return button_rows(buttons, per_row=5)
