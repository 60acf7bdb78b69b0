"""The core's messages: what adapters hand in (Request) and what handlers hand back (Reply).

Everything here is plain data so that an adapter can translate it without knowing any rule, and
a test can build it without any platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Via(StrEnum):
    """How a request reached the bot; a button press takes the same path as a typed command."""

    COMMAND = "command"
    BUTTON = "button"
    TEXT = "text"


class Visibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class Priority(StrEnum):
    """Crisis replies go ahead of everything else queued for a platform."""

    CRISIS = "crisis"
    NORMAL = "normal"


@dataclass(frozen=True)
class Actor:
    platform: str
    user_id: str
    name: str


@dataclass(frozen=True)
class Place:
    """A chat. `community_id` is the group or server the chat belongs to (None for a DM);
    `thread_id` a topic inside the chat (a Telegram forum topic), where answers go too."""

    platform: str
    chat_id: str
    is_direct: bool
    community_id: str | None = None
    title: str = ""
    thread_id: str | None = None


@dataclass(frozen=True)
class Button:
    """A button either runs a packed action (same grammar as a typed command) or opens a URL."""

    label: str
    action: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    mime: str = "application/octet-stream"
    alt: str = ""  # what a picture shows, for screen readers (Discord's attachment description)


@dataclass(frozen=True)
class Quoted:
    """A message a request points at: the one a Telegram command replies to, the target of a
    Discord message command ("Report to leads"), a console group message by its number.
    `ref` names it uniquely in its platform ("<chat>:<message>"); `link` opens it, when the
    platform has links to messages."""

    ref: str
    author: Actor | None
    text: str
    link: str | None = None


@dataclass(frozen=True)
class Request:
    command: str
    text: str
    actor: Actor
    place: Place
    at: datetime
    via: Via = Via.COMMAND
    is_lead: bool = False
    args: dict[str, Any] | None = None
    locale: str | None = None  # the language the member's platform reports ("es", "pt-BR")
    handle: Any = field(default=None, compare=False, repr=False)
    quoted: Quoted | None = None  # the message this request is about, if any


class Change(StrEnum):
    """What a group's ground-rules gate asks the platform to do for one member."""

    GIVE_ROLE = "give-role"  # Discord: give the member a role (the lead chose its name)
    RESTRICT = "restrict"  # Telegram: the member may read the group but not write yet
    LIFT = "lift"  # Telegram: lift that restriction


@dataclass(frozen=True)
class Access:
    """A change to what a member may do in a group that only the platform can make. The
    adapter makes it before sending the reply that carries it; when the platform refuses
    (Haven lacks the permission, the role does not exist), `failed` is added to that reply
    instead of `done`, so nobody is told something happened that did not."""

    change: Change
    member: Actor
    group: Place
    role: str | None = None
    done: str = ""  # the line added to the reply when the platform made the change
    failed: str = ""  # ... and when it could not


@dataclass(frozen=True)
class CalendarEntry:
    """An entry in a platform's own calendar for a group (Discord's Guild Scheduled Events),
    made, changed or removed by the adapter when the reply carrying it is sent; `key` names it
    across changes ("event:12"). Platforms without one ignore it."""

    key: str
    title: str
    starts_at: datetime
    ends_at: datetime
    where: str
    description: str = ""
    cancelled: bool = False


@dataclass(frozen=True)
class Reply:
    """Plain text (adapters escape it for their platform) plus where it goes and who may see it.

    `to` is None for an answer to the request, a Place for a post in a chat, or an Actor for that
    member's direct chat. A PRIVATE reply is never shown in a group by any adapter.
    """

    text: str
    visibility: Visibility = Visibility.PRIVATE
    to: Place | Actor | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachment: Attachment | None = None
    idempotency_key: str | None = None
    priority: Priority = Priority.NORMAL
    access: Access | None = None  # made live by the adapter, never queued in the outbox
    # A group post kept up to date: `keep` names the message the adapter posts (it remembers
    # where it went), and a later reply with `replaces` set to that name changes that message
    # in place (text and buttons) instead of posting; nothing is sent when none was kept.
    keep: str | None = None
    replaces: str | None = None
    pin: bool = False  # the adapter pins the post, where the group lets it
    calendar: CalendarEntry | None = None

    @property
    def private(self) -> bool:
        return self.visibility is Visibility.PRIVATE


def private(text: str, **kwargs: Any) -> Reply:
    return Reply(text, Visibility.PRIVATE, **kwargs)


def public(text: str, **kwargs: Any) -> Reply:
    return Reply(text, Visibility.PUBLIC, **kwargs)


def button_rows(buttons: list[Button], per_row: int = 3) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))
