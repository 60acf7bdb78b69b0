"""A fake Discord REST API and gateway for end-to-end tests.

`FakeDiscord` serves Discord's HTTP API under `/api/v10` and its gateway as a websocket at
`/gateway`, on 127.0.0.1 (a random port), so the real discord.py client can talk to it:

    fake = FakeDiscord()
    fake.add_guild(GUILD, "Peer Support", owner_id=OWNER, channels={LOUNGE: "lounge"})
    await fake.start()
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)

Tests build the world (`add_guild`, `add_role`, `add_user`, `add_member`, and `grant` /
`revoke` for the bot's permissions, e.g. `fake.grant(GUILD, MANAGE_EVENTS)`), make users act
(`slash`, `press`, `message_command`, `send_dm`, `send_message`, `member_join`), and then
look at what the bot did (`interactions` and their `responses`, `channel_messages`,
`dm_messages`, `pinned`, `scheduled_events`, `commands`, `requests`, `wait_for`).

Errors use Discord's shape, `{"message": ..., "code": ...}` (plus `"errors"` for invalid form
bodies, `"retry_after"` and `"global"` for 429s). Every answer carries `Via`, which discord.py
needs to see before it honours a 429. Gateway frames are sent as plain JSON text: discord.py
asks for zlib-stream or zstd-stream compression in the URL, but handles text frames as well.
Faults on the REST API are injected one by one (`fail_next`) or, for soak runs, at random
(`chaos`: a share of requests answered with a 5xx or a 429).

What the fake checks, as Discord does: the bot token (HTTP 401, gateway close 4004), privileged
intents (close 4014), the 3-second deadline and the single acknowledgement of an interaction
(10062, 40060), follow-ups before the acknowledgement (10015), empty or too long messages
(50006, 50035), `allowed_mentions` that combine `parse` with an explicit list (50035), closed
DMs (50007), the command payloads of a sync (50035; a user or message command's name may have
capitals and spaces, and it has no description or options), the bot's permissions for pins (Manage
Messages or Pin Messages) and scheduled events (Manage Events, or Create Events for its own;
50013), and scheduled-event payloads (50035; a finished event cannot change, 180000).
Scheduled-event changes are dispatched as GUILD_SCHEDULED_EVENT_CREATE/UPDATE/DELETE, pins as
CHANNEL_PINS_UPDATE.

Without the privileged GUILD_MEMBERS intent, a GUILD_CREATE carries only the bot's own member
(as on Discord); with it, every member. Without the privileged MESSAGE_CONTENT intent, a member's
guild message reaches the bot with empty content, embeds, attachments and components, unless it
mentions the bot (DMs and the bot's own messages always carry their content), as on Discord; the
stored message (`channel_messages`, REST) keeps its content.

Everything runs on the event loop that called `start()`; the state is only touched between
awaits, so it needs no locks.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import random
import re
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

__all__ = [
    "ALL_PERMISSIONS",
    "CREATE_EVENTS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "MANAGE_EVENTS",
    "MANAGE_MESSAGES",
    "PIN_MESSAGES",
    "FakeDiscord",
    "Interaction",
    "RequestRecord",
    "Response",
]

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1420070400000

# Permission bits (https://discord.com/developers/docs/topics/permissions)
ADMINISTRATOR = 1 << 3
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
MENTION_EVERYONE = 1 << 17  # @everyone/@here, and roles that are not mentionable
MANAGE_ROLES = 1 << 28
MANAGE_EVENTS = 1 << 33  # edit and delete anyone's scheduled events (and create them)
CREATE_EVENTS = 1 << 44  # create scheduled events, edit and delete one's own
PIN_MESSAGES = 1 << 51  # split from MANAGE_MESSAGES in 2025; either one lets a bot pin
ALL_PERMISSIONS = 0x1F7FFFFFFFFFFF  # discord.Permissions.all() in discord.py 2.7
DEFAULT_EVERYONE_PERMISSIONS = (
    (1 << 6)  # ADD_REACTIONS
    | (1 << 10)  # VIEW_CHANNEL
    | (1 << 11)  # SEND_MESSAGES
    | (1 << 14)  # EMBED_LINKS
    | (1 << 15)  # ATTACH_FILES
    | (1 << 16)  # READ_MESSAGE_HISTORY
    | (1 << 31)  # USE_APPLICATION_COMMANDS
)

# Gateway intents
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
INTENT_GUILD_SCHEDULED_EVENTS = 1 << 16
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
VALID_INTENTS = (1 << 26) - 1

# Interaction types and callback types
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT = 1, 2, 3
PONG = 1
CHANNEL_MESSAGE_WITH_SOURCE = 4
DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
MODAL, MODAL_SUBMIT = 9, 5  # a callback that opens a form; the interaction its submit makes
CALLBACK_TYPES = frozenset({1, 4, 5, 6, 7, 8, 9, 10, 12})

# Message flags
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Guild scheduled events
# (https://discord.com/developers/docs/resources/guild-scheduled-event)
EVENT_GUILD_ONLY = 2  # the only privacy level
EVENT_STAGE_INSTANCE, EVENT_VOICE, EVENT_EXTERNAL = 1, 2, 3
EVENT_SCHEDULED, EVENT_ACTIVE, EVENT_COMPLETED, EVENT_CANCELED = 1, 2, 3, 4
# The status changes Discord allows; COMPLETED and CANCELED are final.
EVENT_TRANSITIONS = {
    EVENT_SCHEDULED: frozenset({EVENT_ACTIVE, EVENT_CANCELED}),
    EVENT_ACTIVE: frozenset({EVENT_COMPLETED}),
}
EVENT_NAME_MAX = 100
EVENT_DESCRIPTION_MAX = 1000
EVENT_LOCATION_MAX = 100

MESSAGE_MAX_LENGTH = 2000
MAX_EMBEDS = 10
MAX_ACTION_ROWS = 5
MAX_COMMANDS = 100
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3  # application command types
COMMAND_TYPES = frozenset({CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND})
CONTEXT_MENU = frozenset({USER_COMMAND, MESSAGE_COMMAND})  # named in a menu: no description
MENTION = re.compile(r"@(everyone|here)|<@!?(\d+)>|<@&(\d+)>")

# Keys the fake adds to a stored message; never part of what Discord returns.
FAKE_KEYS = ("interaction", "allowed_mentions", "pings", "ephemeral", "deleted")


@dataclass
class RequestRecord:
    """One HTTP request the bot made. `path` is relative to `/api/v10`; `status` is 0 while
    the request is being answered."""

    method: str
    path: str
    json: Any
    status: int
    at: float
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class Response:
    """One answer to an interaction: the callback, a follow-up or an edit of the original
    response (`kind` "callback", "followup", "edit_original" or "edit_followup")."""

    kind: str
    type: int | None
    content: str | None
    ephemeral: bool
    components: list[Any]
    allowed_mentions: dict[str, Any] | None
    pings: list[str]
    at: float
    message_id: int | None = None
    embeds: list[Any] = field(default_factory=list)
    payload: Any = field(default=None, repr=False)
    # Files uploaded with this answer: {"filename", "content_type", "size", "data"} each.
    files: list[dict[str, Any]] = field(default_factory=list, repr=False)


@dataclass
class Interaction:
    """An INTERACTION_CREATE the fake sent, and everything the bot answered to it."""

    id: int
    token: str
    payload: dict[str, Any]
    created: float
    responses: list[Response] = field(default_factory=list)
    callback_type: int | None = None
    original_message_id: int | None = field(default=None, repr=False)
    followup_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def type(self) -> int:
        return self.payload["type"]

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None


class ApiError(Exception):
    """An error answer: raised inside a route handler, turned into Discord's error JSON."""

    def __init__(
        self,
        status: int,
        message: str,
        code: int = 0,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {message} ({code})")
        self.status = status
        self.message = message
        self.code = code
        self.errors = errors
        self.headers = headers or {}
        self.body = body

    def to_body(self) -> dict[str, Any]:
        if self.body is not None:
            return self.body
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def _modal_inputs(form: dict[str, Any]) -> list[dict[str, Any]]:
    """A modal's text inputs, in action rows (type 1) or labels (type 18)."""
    found = []
    for row in form.get("components") or []:
        inner = row.get("components") or ([row["component"]] if row.get("component") else [])
        found += [c for c in inner if c.get("type") == 4]
    return found


def _check_modal(form: dict[str, Any]) -> None:
    """Discord's rules for a modal: a custom_id, a title of 1-45 characters, 1-5 rows, text
    inputs with a custom_id and (in a row) a label of 1-45 characters."""
    errors: dict[str, Any] = {}
    title = form.get("title") or ""
    if not 1 <= len(title) <= 45:
        errors["title"] = field_error("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length.")
    if not form.get("custom_id"):
        errors["custom_id"] = field_error("BASE_TYPE_REQUIRED", "This field is required")
    rows = form.get("components") or []
    inputs = _modal_inputs(form)
    if not 1 <= len(rows) <= 5 or not inputs:
        errors["components"] = field_error(
            "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
    for item in inputs:
        if not item.get("custom_id"):
            errors["components"] = field_error("BASE_TYPE_REQUIRED", "This field is required")
        label = item.get("label")
        if label is not None and not 1 <= len(label) <= 45:
            errors["label"] = field_error(
                "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length."
            )
    if errors:
        raise invalid_form({"data": errors})


def invalid_form(errors: dict[str, Any]) -> ApiError:
    return ApiError(400, "Invalid Form Body", 50035, errors)


def field_error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def not_found(what: str, code: int) -> ApiError:
    return ApiError(404, f"Unknown {what}", code)


UNKNOWN_INTERACTION = ("Interaction", 10062)
DROP = 0  # fail_next(..., DROP, {}): close the connection without an answer
UNKNOWN_WEBHOOK = ("Webhook", 10015)
UNKNOWN_MESSAGE = ("Message", 10008)
UNKNOWN_CHANNEL = ("Channel", 10003)
UNKNOWN_GUILD = ("Guild", 10004)
UNKNOWN_MEMBER = ("Member", 10007)
UNKNOWN_USER = ("User", 10013)
UNKNOWN_COMMAND = ("application command", 10063)
UNKNOWN_SCHEDULED_EVENT = ("Guild Scheduled Event", 10070)
MISSING_PERMISSIONS = (403, "Missing Permissions", 50013)


@dataclass
class _Fault:
    method: str
    path_prefix: str
    status: int
    body: dict[str, Any]
    retry_after: float | None
    times: int


@dataclass
class _Chaos:
    rate: float
    statuses: tuple[int, ...]
    rng: random.Random
    retry_after: float
    path_prefixes: tuple[str, ...] | None


CHAOS_MESSAGES = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class _Member:
    user_id: int
    roles: list[int]
    permissions: int | None
    joined_at: str


@dataclass
class _Guild:
    id: int
    name: str
    owner_id: int
    system_channel_id: int | None
    joined_at: str
    channels: dict[int, dict[str, Any]] = field(default_factory=dict)
    roles: dict[int, dict[str, Any]] = field(default_factory=dict)
    members: dict[int, _Member] = field(default_factory=dict)
    # scheduled event id -> the event object as Discord returns it (deleted ones are gone)
    scheduled_events: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class _Session:
    id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    events: list[tuple[int, str, Any]] = field(default_factory=list)
    resumable: bool = True
    connection: _Connection | None = None


@dataclass(eq=False)
class _Connection:
    ws: web.WebSocketResponse
    session: _Session | None = None
    ready: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def intents(self) -> int:
        return self.session.intents if self.session else 0


@dataclass
class _Request:
    method: str
    path: str
    match: dict[str, str]
    json: Any
    query: dict[str, str]
    attachments: list[dict[str, Any]]


Handler = Callable[[_Request], Awaitable[tuple[int, Any]]]


class FakeDiscord:
    """An in-process Discord REST API + gateway. See the module docstring."""

    def __init__(
        self,
        token: str = "fake.discord.token",
        application_id: int = 700000000000000001,
        bot_user_id: int = 700000000000000002,
        heartbeat_interval_ms: int = 41250,
    ) -> None:
        self.token = token
        self.application_id = application_id
        self.bot_user_id = bot_user_id
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.api_base = ""
        self.gateway_url = ""
        self.port = 0
        # Seconds a bot has to acknowledge an interaction (None: no deadline).
        self.callback_deadline: float | None = 3.0
        # Privileged intents "enabled in the developer portal"; others close with 4014.
        self.privileged_intents = PRIVILEGED_INTENTS
        self.bot_user: dict[str, Any] = {
            "id": str(bot_user_id),
            "username": "Haven",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": True,
            "public_flags": 0,
            "flags": 0,
            "verified": True,
            "mfa_enabled": False,
            "locale": "en-US",
        }
        self.owner_user: dict[str, Any] = _user_object(700000000000000003, "haven-owner")

        # world
        self.users: dict[int, dict[str, Any]] = {}
        self.dms_open: dict[int, bool] = {}
        self.guilds: dict[int, _Guild] = {}
        self._dm_by_user: dict[int, int] = {}
        self._dm_user: dict[int, int] = {}

        # what the bot did
        self.requests: list[RequestRecord] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.registered: dict[str, list[dict[str, Any]]] = {}
        self.interactions: dict[int, Interaction] = {}
        self._messages: dict[int, dict[str, Any]] = {}
        self._channel_log: dict[int, list[int]] = {}
        self._pins: dict[int, dict[int, str]] = {}  # channel -> message id -> pinned_at, in order
        self._attachment_data: dict[str, bytes] = {}  # attachment id -> uploaded bytes
        self._command_versions = itertools.count(1)

        # gateway
        self.identify: dict[str, Any] | None = None
        self.identifies = 0
        self.identified_shards: list[list[int] | None] = []  # "shard" of each IDENTIFY
        self.resumes = 0
        self.heartbeats = 0
        self.connections = 0
        self.presences: list[dict[str, Any]] = []
        self.sent_events: list[dict[str, Any]] = []
        self._sessions: dict[str, _Session] = {}
        self._connected: set[_Connection] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

        # faults
        self._faults: list[_Fault] = []
        self._chaos: _Chaos | None = None
        self.chaos_answers: Counter[tuple[str, int]] = Counter()  # (method path, status)

        self._last_id = 0
        self._runner: web.AppRunner | None = None
        self._routes: list[tuple[str, re.Pattern[str], Handler, bool]] = []
        for method, pattern, handler, auth in (
            ("GET", r"/gateway", self._get_gateway, False),
            ("GET", r"/gateway/bot", self._get_gateway_bot, True),
            ("GET", r"/users/@me", self._get_me, True),
            ("GET", r"/users/(?P<user>\d+)", self._get_user, True),
            ("POST", r"/users/@me/channels", self._create_dm, True),
            ("GET", r"/oauth2/applications/@me", self._get_application, True),
            ("GET", r"/applications/@me", self._get_application, True),
            ("GET", r"/applications/(?P<app>\d+)/commands", self._get_commands, True),
            ("PUT", r"/applications/(?P<app>\d+)/commands", self._put_commands, True),
            ("POST", r"/applications/(?P<app>\d+)/commands", self._post_command, True),
            (
                "GET",
                r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands",
                self._get_commands,
                True,
            ),
            (
                "PUT",
                r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands",
                self._put_commands,
                True,
            ),
            (
                "POST",
                r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands",
                self._post_command,
                True,
            ),
            ("POST", r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback", self._callback, False),
            ("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", self._followup, False),
            (
                "GET",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<msg>@original|\d+)",
                self._get_webhook_message,
                False,
            ),
            (
                "PATCH",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<msg>@original|\d+)",
                self._edit_webhook_message,
                False,
            ),
            (
                "DELETE",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<msg>@original|\d+)",
                self._delete_webhook_message,
                False,
            ),
            ("GET", r"/channels/(?P<channel>\d+)", self._get_channel, True),
            ("POST", r"/channels/(?P<channel>\d+)/messages", self._post_message, True),
            (
                "GET",
                r"/channels/(?P<channel>\d+)/messages/(?P<msg>\d+)",
                self._get_message,
                True,
            ),
            (
                "PATCH",
                r"/channels/(?P<channel>\d+)/messages/(?P<msg>\d+)",
                self._edit_message,
                True,
            ),
            (
                "DELETE",
                r"/channels/(?P<channel>\d+)/messages/(?P<msg>\d+)",
                self._delete_message,
                True,
            ),
            ("POST", r"/channels/(?P<channel>\d+)/typing", self._typing, True),
            # discord.py 2.7 pins through /messages/pins; the older /pins routes still work
            ("GET", r"/channels/(?P<channel>\d+)/messages/pins", self._get_pins, True),
            (
                "PUT",
                r"/channels/(?P<channel>\d+)/messages/pins/(?P<msg>\d+)",
                self._pin_message,
                True,
            ),
            (
                "DELETE",
                r"/channels/(?P<channel>\d+)/messages/pins/(?P<msg>\d+)",
                self._unpin_message,
                True,
            ),
            ("PUT", r"/channels/(?P<channel>\d+)/pins/(?P<msg>\d+)", self._pin_message, True),
            ("DELETE", r"/channels/(?P<channel>\d+)/pins/(?P<msg>\d+)", self._unpin_message, True),
            ("GET", r"/guilds/(?P<guild>\d+)", self._get_guild, True),
            ("GET", r"/guilds/(?P<guild>\d+)/channels", self._get_guild_channels, True),
            ("GET", r"/guilds/(?P<guild>\d+)/roles", self._get_guild_roles, True),
            (
                "GET",
                r"/guilds/(?P<guild>\d+)/members/(?P<user>\d+)",
                self._get_member,
                True,
            ),
            (
                "PUT",
                r"/guilds/(?P<guild>\d+)/members/(?P<user>\d+)/roles/(?P<role>\d+)",
                self._add_member_role,
                True,
            ),
            (
                "GET",
                r"/guilds/(?P<guild>\d+)/scheduled-events",
                self._get_scheduled_events,
                True,
            ),
            (
                "POST",
                r"/guilds/(?P<guild>\d+)/scheduled-events",
                self._create_scheduled_event,
                True,
            ),
            (
                "GET",
                r"/guilds/(?P<guild>\d+)/scheduled-events/(?P<event>\d+)",
                self._get_scheduled_event,
                True,
            ),
            (
                "PATCH",
                r"/guilds/(?P<guild>\d+)/scheduled-events/(?P<event>\d+)",
                self._edit_scheduled_event,
                True,
            ),
            (
                "DELETE",
                r"/guilds/(?P<guild>\d+)/scheduled-events/(?P<event>\d+)",
                self._delete_scheduled_event,
                True,
            ),
        ):
            self._routes.append((method, re.compile(pattern + "/?"), handler, auth))

    # ------------------------------------------------------------------ server lifecycle

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakeDiscord is already running")
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._http)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self.port = runner.addresses[0][1]
        self.api_base = f"http://127.0.0.1:{self.port}{API_PREFIX}"
        self.gateway_url = f"ws://127.0.0.1:{self.port}/gateway"

    async def stop(self) -> None:
        """Close every gateway connection (close code 1000), then the server."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        for task in list(self._tasks):
            with contextlib.suppress(Exception):
                await task
        for conn in list(self._connected):
            await self._close(conn, WSCloseCode.OK, b"server stopping")
        await runner.cleanup()

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ world state

    def add_user(self, user_id: int, username: str, *, dms_open: bool = True) -> dict[str, Any]:
        user = _user_object(user_id, username)
        self.users[user_id] = user
        self.dms_open[user_id] = dms_open
        return user

    def set_dms_open(self, user_id: int, dms_open: bool) -> None:
        self._user(user_id)
        self.dms_open[user_id] = dms_open

    def add_guild(
        self,
        guild_id: int,
        name: str,
        *,
        owner_id: int,
        channels: dict[int, str],
        system_channel_id: int | None = None,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
    ) -> None:
        """A guild the bot is in. Its owner becomes a member (a user is made up for it when
        `add_user` was not called first); the @everyone role has the guild's id."""
        if system_channel_id is not None and system_channel_id not in channels:
            raise ValueError("system_channel_id must be one of the guild's channels")
        guild = _Guild(guild_id, name, owner_id, system_channel_id, _now_iso())
        guild.roles[guild_id] = _role_object(guild_id, "@everyone", everyone_permissions, 0)
        for position, (channel_id, channel_name) in enumerate(channels.items()):
            guild.channels[channel_id] = {
                "id": str(channel_id),
                "type": 0,
                "guild_id": str(guild_id),
                "name": channel_name,
                "position": position,
                "permission_overwrites": [],
                "topic": None,
                "nsfw": False,
                "rate_limit_per_user": 0,
                "parent_id": None,
                "last_message_id": None,
                "flags": 0,
            }
        self.guilds[guild_id] = guild
        if owner_id not in self.users:
            self.add_user(owner_id, f"user{owner_id}")
        guild.members[owner_id] = _Member(owner_id, [], None, guild.joined_at)

    def add_role(self, guild_id: int, role_id: int, name: str, permissions: int = 0) -> None:
        """A role; `role_id == guild_id` replaces the permissions of @everyone."""
        guild = self._guild(guild_id)
        if role_id == guild_id:
            guild.roles[role_id]["permissions"] = str(permissions)
            return
        guild.roles[role_id] = _role_object(role_id, name, permissions, len(guild.roles))

    def add_member(
        self,
        guild_id: int,
        user_id: int,
        *,
        roles: Iterable[int] = (),
        permissions: int | None = None,
    ) -> None:
        """`user_id` is a member of the guild. `permissions` overrides the bitfield computed
        from @everyone and the roles (the owner and administrators get every permission)."""
        guild = self._guild(guild_id)
        if user_id != self.bot_user_id:
            self._user(user_id)
        role_ids = list(roles)
        unknown = [r for r in role_ids if r not in guild.roles or r == guild_id]
        if unknown:
            raise ValueError(f"no such roles in guild {guild_id}: {unknown}")
        guild.members[user_id] = _Member(user_id, role_ids, permissions, _now_iso())

    def permissions(self, guild_id: int, user_id: int) -> int:
        """The permission bitfield sent as member.permissions in interactions."""
        guild = self._guild(guild_id)
        member = guild.members.get(user_id)
        if member is not None and member.permissions is not None:
            return member.permissions
        if user_id == guild.owner_id:
            return ALL_PERMISSIONS
        value = int(guild.roles[guild_id]["permissions"])
        for role_id in member.roles if member else []:
            value |= int(guild.roles[role_id]["permissions"])
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def grant(self, guild_id: int, permissions: int, *, user_id: int | None = None) -> None:
        """Give the bot (or `user_id`) `permissions` in the guild on top of what it has, e.g.
        `fake.grant(GUILD, MANAGE_EVENTS)`: the member's bitfield is pinned to the result, as
        `add_member(permissions=...)` does, and every permission check (Manage Events, Manage
        Messages, interactions' app_permissions) follows it; the bot becomes a member first."""
        self._set_permissions(guild_id, user_id, self._effective(guild_id, user_id) | permissions)

    def revoke(self, guild_id: int, permissions: int, *, user_id: int | None = None) -> None:
        """Take `permissions` away from the bot (or `user_id`) in the guild; see `grant`."""
        self._set_permissions(guild_id, user_id, self._effective(guild_id, user_id) & ~permissions)

    def _effective(self, guild_id: int, user_id: int | None) -> int:
        return self.permissions(guild_id, self.bot_user_id if user_id is None else user_id)

    def _set_permissions(self, guild_id: int, user_id: int | None, permissions: int) -> None:
        guild = self._guild(guild_id)
        user_id = self.bot_user_id if user_id is None else user_id
        member = guild.members.get(user_id)
        if member is None:
            if user_id != self.bot_user_id:
                raise ValueError(f"user {user_id} is not a member of guild {guild_id}")
            member = guild.members[user_id] = self._bot_member(guild)
        member.permissions = permissions

    def dm_channel_id(self, user_id: int) -> int:
        """The id of the DM channel with `user_id` (made on first use)."""
        self._user(user_id)
        channel_id = self._dm_by_user.get(user_id)
        if channel_id is None:
            channel_id = self._snowflake()
            self._dm_by_user[user_id] = channel_id
            self._dm_user[channel_id] = user_id
        return channel_id

    # ------------------------------------------------------------------ what the bot did

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        """Messages in a channel, in order, as they are now (edits applied, deletions gone).
        Public interaction responses are there too, with `"interaction": True`. Each record
        also has the `allowed_mentions` it was sent with and the `pings` they allow."""
        return [
            copy.deepcopy(self._messages[m])
            for m in self._channel_log.get(channel_id, [])
            if not self._messages[m].get("deleted")
        ]

    def dm_messages(self, user_id: int) -> list[dict[str, Any]]:
        channel_id = self._dm_by_user.get(user_id)
        return [] if channel_id is None else self.channel_messages(channel_id)

    def message(self, message_id: int) -> dict[str, Any]:
        """Any message the bot sent, ephemeral ones included (e.g. to press its buttons)."""
        stored = self._messages.get(int(message_id))
        if stored is None:
            raise KeyError(f"no message {message_id}")
        return copy.deepcopy(stored)

    def pinned(self, channel_id: int) -> list[str]:
        """The ids of the messages pinned in a channel now, in the order they were pinned
        (unpinned and deleted ones are gone)."""
        return [
            str(m)
            for m in self._pins.get(channel_id, {})
            if m in self._messages and not self._messages[m].get("deleted")
        ]

    def scheduled_events(self, guild_id: int) -> list[dict[str, Any]]:
        """The guild's scheduled events as Discord returns them, in the order they were
        created, with their changes applied; deleted ones are gone, COMPLETED (3) and
        CANCELED (4) ones stay until deleted."""
        return copy.deepcopy(list(self._guild(guild_id).scheduled_events.values()))

    def attachment_data(self, attachment: dict[str, Any]) -> bytes:
        """The bytes uploaded for one of a message's `attachments`."""
        return self._attachment_data[str(attachment["id"])]

    def requests_to(self, method: str, path_prefix: str) -> list[RequestRecord]:
        return [
            r
            for r in self.requests
            if r.method == method.upper() and r.path.startswith(path_prefix)
        ]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                raise AssertionError(f"condition not met within {timeout} s; {self._describe()}")
            await asyncio.sleep(0.01)

    async def wait_ready(self, timeout: float = 10.0) -> None:
        """Wait until a client identified and got READY and its GUILD_CREATEs."""
        try:
            await self.wait_for(lambda: any(c.ready for c in self._connected), timeout)
        except AssertionError:
            raise AssertionError(
                f"no client became ready within {timeout} s "
                f"(connections: {self.connections}, identifies: {self.identifies})"
            ) from None

    async def wait_responses(
        self, interaction: Interaction, count: int = 1, timeout: float = 10.0
    ) -> list[Response]:
        try:
            await self.wait_for(lambda: len(interaction.responses) >= count, timeout)
        except AssertionError:
            raise AssertionError(
                f"expected {count} response(s) to interaction {interaction.id} within "
                f"{timeout} s, got {len(interaction.responses)}; {self._describe()}"
            ) from None
        return list(interaction.responses)

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        path_prefix: str,
        status: int,
        body: dict[str, Any],
        *,
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests whose method matches (or "*") and whose path
        (relative to /api/v10) starts with `path_prefix` with `status` and `body`. For a 429,
        `retry_after` goes into the body (when missing there) and the Retry-After header."""
        if times < 1:
            raise ValueError("times must be at least 1")
        body = dict(body)
        if status == 429:
            if retry_after is None:
                retry_after = float(body.get("retry_after", 1.0))
            body.setdefault("retry_after", retry_after)
            body.setdefault("global", False)
            body.setdefault("message", "You are being rate limited.")
        fault = _Fault(method.upper(), path_prefix, status, body, retry_after, times)
        self._faults.append(fault)

    def chaos(
        self,
        rate: float,
        statuses: Iterable[int] = (500, 502, 429),
        *,
        seed: int | None = None,
        retry_after: float = 0.2,
        path_prefixes: Iterable[str] | None = None,
    ) -> None:
        """Answer a random `rate` share of REST requests (whose path starts with one of
        `path_prefixes`, default all) with one of `statuses`, chosen at random, before the
        route runs (so it has no effect); a 429 is a per-user limit with `retry_after` in its
        body and headers. The gateway is left alone. `rate=0` turns it off. Faults queued with
        `fail_next` come first; what was injected is counted in `chaos_answers`."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate is a share between 0 and 1")
        chosen = tuple(statuses)
        if rate and not chosen:
            raise ValueError("chaos needs at least one status")
        prefixes = None if path_prefixes is None else tuple(path_prefixes)
        self._chaos = (
            _Chaos(rate, chosen, random.Random(seed), retry_after, prefixes) if rate else None
        )

    def _chaos_fault(self, method: str, path: str) -> ApiError | None:
        chaos = self._chaos
        if chaos is None:
            return None
        if chaos.path_prefixes is not None and not path.startswith(chaos.path_prefixes):
            return None
        if chaos.rng.random() >= chaos.rate:
            return None
        status = chaos.rng.choice(chaos.statuses)
        route = re.sub(r"/\d+|/aW50ZXJhY3Rpb246[^/]+", "/:id", path)  # counted per route
        self.chaos_answers[(f"{method} {route}", status)] += 1
        if status == 429:
            retry = chaos.retry_after
            body = {"message": "You are being rate limited.", "retry_after": retry, "global": False}
            headers = {"Retry-After": f"{retry:g}", "X-RateLimit-Scope": "user"}
            return ApiError(429, body["message"], 0, headers=headers, body=body)
        message = f"{status}: {CHAOS_MESSAGES.get(status, 'Injected error')}"
        return ApiError(status, message, 0)

    # ------------------------------------------------------------------ users act

    async def slash(
        self,
        user_id: int,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        guild_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
    ) -> Interaction:
        """`user_id` runs the slash command `name`: an INTERACTION_CREATE of type 2, from a
        client set to `locale` (Discord's code: "de", "es-ES", "pt-BR").

        data.id is the synced command's id (the guild's commands first, then the global
        ones) or a fresh id; data.guild_id is set when the command was synced to that guild,
        as Discord does (discord.py looks a command up among the guild's commands then)."""
        payload = self._interaction_base(APPLICATION_COMMAND, user_id, guild_id, channel_id)
        payload["locale"] = locale
        command, scope_guild = self._synced_command(name, guild_id)
        data: dict[str, Any] = {
            "id": command["id"] if command else str(self._snowflake()),
            "name": name,
            "type": 1,
        }
        if scope_guild is not None:
            data["guild_id"] = str(scope_guild)
        if options:
            data["options"] = copy.deepcopy(options)
            resolved = self._resolve_options(data["options"], guild_id)
            if resolved:
                data["resolved"] = resolved
        payload["data"] = data
        return await self._send_interaction(payload)

    async def press(
        self,
        user_id: int,
        custom_id: str,
        message: dict[str, Any],
        *,
        guild_id: int | None = None,
        values: list[str] | None = None,
        strict: bool = True,
    ) -> Interaction:
        """`user_id` presses the component `custom_id` on `message`: an INTERACTION_CREATE of
        type 3. When the fake stored that message (same id), the interaction carries it as it
        is now; otherwise `message` itself, completed with the fields Discord always sends (so
        a test may pass {"id", "channel_id", "components"}). `guild_id` defaults to the
        message's guild. With `strict`, the component must be on the message. `values` makes
        it a select menu choice."""
        current = self._messages.get(int(message["id"]))
        if current is None:
            # e.g. built by the test from a Response: kept (outside any channel's log) so an
            # UPDATE_MESSAGE callback or an edit of @original can change it
            current = self._complete_message(message)
            current.update(interaction=False, ephemeral=True, allowed_mentions=None, pings=[])
            self._messages[int(current["id"])] = current
        elif current.get("deleted"):
            raise ValueError(f"message {message['id']} was deleted")
        component = _find_component(current.get("components") or [], custom_id)
        if component is None and strict:
            found = _custom_ids(current.get("components") or [])
            raise ValueError(f"message has no component with custom_id {custom_id!r}: {found}")
        channel_id = int(current["channel_id"])
        if guild_id is None and current.get("guild_id"):
            guild_id = int(current["guild_id"])
        if guild_id is None:
            owner = self._dm_user.get(channel_id)
            if owner is not None and owner != user_id:
                raise ValueError(f"only user {owner} can press buttons in their DM channel")
            channel_id = None  # the DM channel with user_id
        payload = self._interaction_base(MESSAGE_COMPONENT, user_id, guild_id, channel_id)
        component_type = component.get("type", 2) if component else 2
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = list(values)
        payload["data"] = data
        payload["message"] = _public(current)
        return await self._send_interaction(payload, message_id=int(current["id"]))

    async def message_command(
        self,
        user_id: int,
        name: str,
        message_id: int | str,
        *,
        locale: str = "en-US",
        strict: bool = True,
    ) -> Interaction:
        """`user_id` picks the message command `name` (the message's menu, Apps) on a message
        the fake stored (a member's, from `send_message`, or the bot's): an INTERACTION_CREATE
        of type 2 whose data is of type 3, with `target_id` and the message in
        `resolved.messages`, content included (Discord gives the target's content without the
        MESSAGE_CONTENT intent). It happens in the message's channel and guild. With `strict`,
        the command must have been synced (a context menu lists only those)."""
        stored = self._messages.get(int(message_id))
        if stored is None or stored.get("deleted"):
            raise ValueError(f"no message {message_id} to use a command on")
        if stored.get("ephemeral"):
            raise ValueError("an ephemeral message has no menu for other commands")
        channel_id = int(stored["channel_id"])
        guild_id = self._guild_of_channel(channel_id)
        command, scope_guild = self._synced_command(name, guild_id, MESSAGE_COMMAND)
        if command is None and strict:
            raise ValueError(f"no message command {name!r} is synced for guild {guild_id}")
        payload = self._interaction_base(
            APPLICATION_COMMAND, user_id, guild_id, channel_id if guild_id else None
        )
        payload["locale"] = locale
        target = str(stored["id"])
        data: dict[str, Any] = {
            "id": command["id"] if command else str(self._snowflake()),
            "name": name,
            "type": MESSAGE_COMMAND,
            "target_id": target,
            "resolved": {"messages": {target: _public(stored)}},
        }
        if scope_guild is not None:
            data["guild_id"] = str(scope_guild)
        payload["data"] = data
        return await self._send_interaction(payload)

    async def submit_modal(self, shown: Interaction, values: dict[str, str]) -> Interaction:
        """The member who was shown a modal (an answer of callback type 9 to `shown`) fills
        it in (`values` by each text input's custom_id; left out: empty) and submits it: an
        INTERACTION_CREATE of type 5 in the same place, with the modal's custom_id and each
        input's value, as Discord sends it."""
        modal = next((r for r in shown.responses if r.type == MODAL), None)
        if modal is None:
            raise ValueError("no modal was shown for that interaction")
        form = modal.payload["data"]
        first = shown.payload
        who = (first.get("member") or {}).get("user") or first.get("user") or {}
        guild_id = int(first["guild_id"]) if first.get("guild_id") else None
        channel_id = int(first["channel_id"]) if guild_id else None
        payload = self._interaction_base(MODAL_SUBMIT, int(who["id"]), guild_id, channel_id)
        payload["locale"] = first.get("locale", "en-US")
        rows = []
        for item in _modal_inputs(form):
            value = values.get(item["custom_id"], "")
            if item.get("required", True) and not value:
                raise ValueError(f"the input {item['custom_id']!r} is required")
            rows.append(
                {
                    "type": 1,
                    "components": [{"type": 4, "custom_id": item["custom_id"], "value": value}],
                }
            )
        payload["data"] = {"custom_id": form["custom_id"], "components": rows}
        return await self._send_interaction(payload)

    async def send_dm(self, user_id: int, text: str) -> dict[str, Any]:
        """`user_id` writes `text` to the bot in their DM channel (the one `POST
        /users/@me/channels` gives the bot, made on first use, so `dm_messages` shows both
        sides in order): a MESSAGE_CREATE without guild_id, sent to clients with the
        DIRECT_MESSAGES intent. A DM carries its content even without the MESSAGE_CONTENT
        intent, as on Discord. Returns the stored message."""
        self._user(user_id)
        return await self._member_message(user_id, self.dm_channel_id(user_id), None, text)

    async def send_message(
        self, user_id: int, channel_id: int, text: str, *, guild_id: int
    ) -> dict[str, Any]:
        """Member `user_id` writes `text` in the guild's text channel `channel_id`: a
        MESSAGE_CREATE with the author's partial `member`, sent to clients with the
        GUILD_MESSAGES intent (and only when the bot can view channels). Clients without the
        MESSAGE_CONTENT intent get empty content, embeds, attachments and components unless
        the message mentions the bot, as on Discord. @everyone/@here and roles that are not
        mentionable only count as mentions when the author has Mention Everyone. Returns the
        stored message (with its content)."""
        guild = self._guild(guild_id)
        if channel_id not in guild.channels:
            raise ValueError(f"channel {channel_id} is not in guild {guild_id}")
        if user_id not in guild.members or user_id == self.bot_user_id:
            raise ValueError(f"user {user_id} is not a member of guild {guild_id}")
        needed = VIEW_CHANNEL | SEND_MESSAGES
        if self.permissions(guild_id, user_id) & needed != needed:
            raise ValueError(f"user {user_id} cannot send messages in channel {channel_id}")
        return await self._member_message(user_id, channel_id, guild, text)

    async def _member_message(
        self, user_id: int, channel_id: int, guild: _Guild | None, text: str
    ) -> dict[str, Any]:
        if not text.strip():
            raise ValueError("Discord does not send an empty message")
        if len(text) > MESSAGE_MAX_LENGTH:
            raise ValueError(f"a message has at most {MESSAGE_MAX_LENGTH} characters")
        message_id = self._snowflake()
        message: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "type": 0,
            "author": copy.deepcopy(self.users[user_id]),
            "content": text,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "flags": 0,
        }
        if guild is not None:
            message["guild_id"] = str(guild.id)
        may_everyone = guild is not None and bool(
            self.permissions(guild.id, user_id) & MENTION_EVERYONE
        )
        pings: list[str] = []
        for token in _pings(text, None):
            if token.startswith("<@&"):
                role = guild.roles.get(int(token[3:-1])) if guild is not None else None
                if role is not None and (role["mentionable"] or may_everyone):
                    pings.append(token)
            elif token.startswith("<@"):
                if int(token[2:-1]) in self.users or int(token[2:-1]) == self.bot_user_id:
                    pings.append(token)
            elif may_everyone:
                pings.append(token)
        message["mention_everyone"] = "@everyone" in pings or "@here" in pings
        message["mentions"] = [
            self._mentioned_user(int(p[2:-1]))
            for p in pings
            if p.startswith("<@") and not p.startswith("<@&")
        ]
        message["mention_roles"] = [p[3:-1] for p in pings if p.startswith("<@&")]
        message.update(interaction=False, ephemeral=False, allowed_mentions=None, pings=pings)
        self._messages[message_id] = message
        self._channel_log.setdefault(channel_id, []).append(message_id)

        event = _public(message)
        if guild is None:
            await self._dispatch("MESSAGE_CREATE", event, intent=INTENT_DIRECT_MESSAGES)
            return copy.deepcopy(message)
        member = self._member_object(guild, guild.members[user_id])
        member.pop("user")
        event["member"] = member
        for mentioned in event["mentions"]:  # gateway mentions carry a partial member
            target = guild.members.get(int(mentioned["id"]))
            if target is None and int(mentioned["id"]) == self.bot_user_id:
                target = self._bot_member(guild)
            if target is not None:
                mentioned["member"] = self._member_object(guild, target)
                mentioned["member"].pop("user")
        if self.permissions(guild.id, self.bot_user_id) & VIEW_CHANNEL:
            mentions_bot = f"<@{self.bot_user_id}>" in pings
            await self._dispatch(
                "MESSAGE_CREATE",
                event,
                intent=INTENT_GUILD_MESSAGES,
                content_gated=not mentions_bot,
            )
        return copy.deepcopy(message)

    async def member_join(self, guild_id: int, user_id: int) -> None:
        """`user_id` joins the guild: a GUILD_MEMBER_ADD, sent only to clients that
        identified with the GUILD_MEMBERS intent (others get nothing, as on Discord). A user
        who is a member already leaves first (`member_leave`), then joins again."""
        guild = self._guild(guild_id)
        self._user(user_id)
        if user_id == self.bot_user_id or user_id == guild.owner_id:
            raise ValueError("the bot and the owner cannot join their own guild again")
        if user_id in guild.members:
            await self.member_leave(guild_id, user_id)
        member = _Member(user_id, [], None, _now_iso())
        guild.members[user_id] = member
        event = {**self._member_object(guild, member), "guild_id": str(guild_id)}
        await self._dispatch("GUILD_MEMBER_ADD", event, intent=INTENT_GUILD_MEMBERS)

    async def member_leave(self, guild_id: int, user_id: int) -> None:
        """`user_id` leaves the guild: a GUILD_MEMBER_REMOVE (GUILD_MEMBERS intent only)."""
        guild = self._guild(guild_id)
        if guild.members.pop(user_id, None) is None:
            raise ValueError(f"user {user_id} is not a member of guild {guild_id}")
        event = {"guild_id": str(guild_id), "user": copy.deepcopy(self.users[user_id])}
        await self._dispatch("GUILD_MEMBER_REMOVE", event, intent=INTENT_GUILD_MEMBERS)

    def disconnect(self, code: int = 4000, *, resumable: bool = True) -> None:
        """Close the gateway connections from the server side with `code`; with
        `resumable=False` the sessions are invalidated, so a RESUME gets op 9."""
        for conn in list(self._connected):
            if conn.session is not None and not resumable:
                conn.session.resumable = False
            self._spawn(self._close(conn, code, b"disconnected by the test"))

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=2.0, compress=False, max_msg_size=0)
        await ws.prepare(request)
        conn = _Connection(ws)
        self._connected.add(conn)
        self.connections += 1
        try:
            await self._send(conn, {"op": 10, "d": {"heartbeat_interval": self._interval()}})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    await self._close(conn, 4002, b"Error while decoding payload.")
                    break
                try:
                    frame = json.loads(msg.data)
                    op = frame["op"]
                except (ValueError, KeyError, TypeError):
                    await self._close(conn, 4002, b"Error while decoding payload.")
                    break
                await self._on_frame(conn, op, frame.get("d"))
        finally:
            self._connected.discard(conn)
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
        return ws

    async def _on_frame(self, conn: _Connection, op: Any, data: Any) -> None:
        if op == 1:
            self.heartbeats += 1
            await self._send(conn, {"op": 11})
        elif op == 2:
            await self._on_identify(conn, data)
        elif op == 6:
            await self._on_resume(conn, data)
        elif conn.session is None:
            await self._close(conn, 4003, b"Not authenticated.")
        elif op == 3:
            self.presences.append(data)
        elif op == 4:
            pass  # voice state updates: the fake has no voice
        elif op == 8:
            await self._on_request_members(conn, data or {})
        else:
            await self._close(conn, 4001, b"Unknown opcode.")

    async def _on_identify(self, conn: _Connection, data: Any) -> None:
        if conn.session is not None:
            await self._close(conn, 4005, b"Already authenticated.")
            return
        if not isinstance(data, dict) or data.get("token") != self.token:
            await self._close(conn, 4004, b"Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents & ~VALID_INTENTS:
            await self._close(conn, 4013, b"Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await self._close(conn, 4014, b"Disallowed intent(s).")
            return
        self.identify = copy.deepcopy(data)
        self.identifies += 1
        self.identified_shards.append(data.get("shard"))
        session = _Session(secrets.token_hex(16), intents, data.get("shard"))
        self._sessions[session.id] = session
        session.connection = conn
        conn.session = session
        ready: dict[str, Any] = {
            "v": 10,
            "user": dict(self.bot_user),
            "guilds": [
                {"id": str(g), "unavailable": True}
                for g in self.guilds
                if _in_shard(g, session.shard)
            ],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ['["fake-discord-gateway",{"micros":0}]'],
        }
        if session.shard is not None:
            ready["shard"] = session.shard
        await self._send_dispatch(conn, "READY", ready)
        for guild in list(self.guilds.values()):
            if _in_shard(guild.id, session.shard):
                await self._send_dispatch(conn, "GUILD_CREATE", self._guild_create(guild, intents))
        conn.ready = True

    async def _on_resume(self, conn: _Connection, data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        session = self._sessions.get(str(data.get("session_id")))
        if data.get("token") != self.token:
            await self._close(conn, 4004, b"Authentication failed.")
            return
        if session is None or not session.resumable:
            await self._send(conn, {"op": 9, "d": False})
            return
        old = session.connection
        if old is not None and old is not conn:
            await self._close(old, 4000, b"Session resumed elsewhere.")
        session.connection = conn
        conn.session = session
        self.resumes += 1
        seq = data.get("seq") or 0
        for s, t, d in list(session.events):
            if s > seq:
                await self._send(conn, {"op": 0, "s": s, "t": t, "d": d})
        await self._send_dispatch(conn, "RESUMED", {"_trace": ['["fake-discord-gateway"]']})
        conn.ready = True

    async def _on_request_members(self, conn: _Connection, data: dict[str, Any]) -> None:
        guild = self.guilds.get(int(data.get("guild_id") or 0))
        if guild is None:
            return
        members = list(guild.members.values())
        if self.bot_user_id not in guild.members:
            members.insert(0, self._bot_member(guild))
        if not conn.intents & INTENT_GUILD_MEMBERS:
            members = [m for m in members if m.user_id == self.bot_user_id]
        wanted = data.get("user_ids")
        not_found: list[str] = []
        if wanted:
            wanted_ids = {int(u) for u in (wanted if isinstance(wanted, list) else [wanted])}
            members = [m for m in members if m.user_id in wanted_ids]
            found = {m.user_id for m in members}
            not_found = [str(u) for u in sorted(wanted_ids - found)]
        query = str(data.get("query") or "").casefold()
        if query:
            members = [m for m in members if self._username(m.user_id).startswith(query)]
        limit = int(data.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [self._member_object(guild, m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": not_found,
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await self._send_dispatch(conn, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send(self, conn: _Connection, frame: dict[str, Any]) -> None:
        frame.setdefault("s", None)
        frame.setdefault("t", None)
        if conn.ws.closed:
            return
        async with conn.lock:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await conn.ws.send_str(json.dumps(frame))

    async def _send_dispatch(self, conn: _Connection, event: str, data: Any) -> None:
        session = conn.session
        assert session is not None
        session.seq += 1
        data = copy.deepcopy(data)
        session.events.append((session.seq, event, data))
        del session.events[:-1000]
        self.sent_events.append({"t": event, "s": session.seq, "d": data})
        await self._send(conn, {"op": 0, "s": session.seq, "t": event, "d": data})

    async def _dispatch(
        self,
        event: str,
        data: Any,
        *,
        intent: int | None = None,
        content_gated: bool = False,
    ) -> int:
        """Send a dispatch to every ready connection (with `intent`, when given). With
        `content_gated`, connections without the MESSAGE_CONTENT intent get the message with
        its content emptied."""
        sent = 0
        guild = data.get("guild_id") if isinstance(data, dict) else None
        for conn in list(self._connected):
            if not conn.ready or (intent is not None and not conn.intents & intent):
                continue
            shard = conn.session.shard if conn.session is not None else None
            if guild is not None and not _in_shard(int(guild), shard):
                continue  # a sharded bot hears of a guild on that guild's shard only
            if content_gated and not conn.intents & INTENT_MESSAGE_CONTENT:
                await self._send_dispatch(conn, event, _without_content(data))
            else:
                await self._send_dispatch(conn, event, data)
            sent += 1
        return sent

    async def _close(self, conn: _Connection, code: int, message: bytes) -> None:
        conn.ready = False
        if not conn.ws.closed:
            with contextlib.suppress(Exception):
                await conn.ws.close(code=code, message=message)
        self._connected.discard(conn)

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _interval(self) -> int:
        return self.heartbeat_interval_ms

    # ------------------------------------------------------------------ interactions

    def _interaction_base(
        self, kind: int, user_id: int, guild_id: int | None, channel_id: int | None
    ) -> dict[str, Any]:
        if not any(c.ready for c in self._connected):
            raise RuntimeError("no client is connected to the gateway")
        user = self._user(user_id)
        interaction_id = self._snowflake()
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "token": "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48),
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": {"0": str(guild_id or 0)},
        }
        if guild_id is None:
            dm_id = self.dm_channel_id(user_id)
            if channel_id is not None and channel_id != dm_id:
                raise ValueError("a DM interaction happens in the DM channel with the user")
            payload.update(
                channel_id=str(dm_id),
                channel=self._dm_channel_object(dm_id),
                user=copy.deepcopy(user),
                context=1,
                app_permissions=str(ALL_PERMISSIONS & ~ADMINISTRATOR),
            )
            return payload
        guild = self._guild(guild_id)
        member = guild.members.get(user_id)
        if member is None:
            raise ValueError(f"user {user_id} is not a member of guild {guild_id}")
        if channel_id is None:
            if not guild.channels:
                raise ValueError(f"guild {guild_id} has no channels")
            channel_id = next(iter(guild.channels))
        if channel_id not in guild.channels:
            raise ValueError(f"channel {channel_id} is not in guild {guild_id}")
        permissions = self.permissions(guild_id, user_id)
        member_object = self._member_object(guild, member)
        member_object["permissions"] = str(permissions)
        payload.update(
            guild_id=str(guild_id),
            guild={"id": str(guild_id), "locale": "en-US", "features": []},
            guild_locale="en-US",
            channel_id=str(channel_id),
            channel={**guild.channels[channel_id], "permissions": str(permissions)},
            member=member_object,
            context=0,
            app_permissions=str(self.permissions(guild_id, self.bot_user_id)),
        )
        return payload

    async def _send_interaction(
        self, payload: dict[str, Any], *, message_id: int | None = None
    ) -> Interaction:
        interaction = Interaction(
            id=int(payload["id"]),
            token=payload["token"],
            payload=payload,
            created=time.monotonic(),
            original_message_id=message_id,
        )
        self.interactions[interaction.id] = interaction
        if not await self._dispatch("INTERACTION_CREATE", payload):
            raise RuntimeError("no client is connected to the gateway")
        return interaction

    def _synced_command(
        self, name: str, guild_id: int | None, kind: int = CHAT_INPUT
    ) -> tuple[dict[str, Any] | None, int | None]:
        """The synced command of that name and type (names are unique per type): the guild's
        first, then the global one."""
        if guild_id is not None:
            for command in self.registered.get(str(guild_id), []):
                if command["name"] == name and command["type"] == kind:
                    return command, guild_id
        for command in self.registered.get("global", []):
            if command["name"] == name and command["type"] == kind:
                return command, None
        return None, None

    def _resolve_options(
        self, options: list[dict[str, Any]], guild_id: int | None
    ) -> dict[str, dict[str, Any]]:
        resolved: dict[str, dict[str, Any]] = {}
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        for option in _walk_options(options):
            kind = option.get("type")
            if kind not in (6, 7, 8, 9) or "value" not in option:
                continue
            option["value"] = str(option["value"])
            target = int(option["value"])
            if kind in (6, 9) and target in self.users:
                resolved.setdefault("users", {})[option["value"]] = copy.deepcopy(
                    self.users[target]
                )
                if guild is not None and target in guild.members:
                    member = self._member_object(guild, guild.members[target])
                    member.pop("user")
                    member["permissions"] = str(self.permissions(guild.id, target))
                    resolved.setdefault("members", {})[option["value"]] = member
            if kind in (8, 9) and guild is not None and target in guild.roles:
                resolved.setdefault("roles", {})[option["value"]] = copy.deepcopy(
                    guild.roles[target]
                )
            if kind == 7:
                channel = self._channel_object(target)
                if channel is not None:
                    resolved.setdefault("channels", {})[option["value"]] = channel
        return resolved

    def _interaction_for(self, app: str, token: str) -> Interaction:
        if int(app) != self.application_id:
            raise not_found(*UNKNOWN_WEBHOOK)
        for interaction in self.interactions.values():
            if interaction.token == token:
                return interaction
        raise not_found(*UNKNOWN_WEBHOOK)

    # ------------------------------------------------------------------ HTTP plumbing

    async def _http(self, request: web.Request) -> web.StreamResponse:
        path = request.path[len(API_PREFIX) :] or "/"
        record = RequestRecord(
            method=request.method,
            path=path,
            json=None,
            status=0,
            at=time.monotonic(),
            query=dict(request.query),
        )
        self.requests.append(record)
        try:
            body, attachments = await _read_body(request)
        except ApiError as exc:
            return self._finish(record, exc)
        record.json = body

        route: tuple[Handler, dict[str, str], bool] | None = None
        method_allowed = False
        for method, pattern, handler, auth in self._routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            if method != request.method:
                method_allowed = True
                continue
            route = (handler, match.groupdict(), auth)
            break
        if route is None:
            if method_allowed:
                return self._finish(record, ApiError(405, "405: Method Not Allowed", 0))
            return self._finish(record, ApiError(404, "404: Not Found", 0))
        handler, groups, auth = route
        if auth and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._finish(record, ApiError(401, "401: Unauthorized", 0))

        fault = self._take_fault(request.method, path)
        if fault is not None and fault.status == DROP:  # the connection goes, with no answer
            record.status = DROP
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        if fault is not None:
            return self._finish(record, fault)
        injected = self._chaos_fault(request.method, path)
        if injected is not None:
            return self._finish(record, injected)

        req = _Request(request.method, path, groups, body, dict(request.query), attachments)
        try:
            status, result = await handler(req)
        except ApiError as exc:
            return self._finish(record, exc)
        record.status = status
        if status == 204:
            return web.Response(status=204, headers=_base_headers())
        return _json_response(status, result)

    def _finish(self, record: RequestRecord, error: ApiError) -> web.Response:
        record.status = error.status
        return _json_response(error.status, error.to_body(), error.headers)

    def _take_fault(self, method: str, path: str) -> ApiError | None:
        for fault in self._faults:
            if fault.method not in ("*", method) or not path.startswith(fault.path_prefix):
                continue
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            headers: dict[str, str] = {}
            if fault.status == 429:
                retry = fault.retry_after or 0.0
                headers["Retry-After"] = f"{retry:g}"
                headers["X-RateLimit-Scope"] = "global" if fault.body.get("global") else "user"
                if fault.body.get("global"):
                    headers["X-RateLimit-Global"] = "true"
            return ApiError(
                fault.status,
                str(fault.body.get("message", "")),
                int(fault.body.get("code", 0)),
                headers=headers,
                body=copy.deepcopy(fault.body),
            )
        return None

    # ------------------------------------------------------------------ routes: basics

    async def _get_gateway(self, req: _Request) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    async def _get_gateway_bot(self, req: _Request) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000 - self.identifies,
                "reset_after": 86400000,
                "max_concurrency": 1,
            },
        }

    async def _get_me(self, req: _Request) -> tuple[int, Any]:
        return 200, dict(self.bot_user)

    async def _get_user(self, req: _Request) -> tuple[int, Any]:
        user_id = int(req.match["user"])
        if user_id == self.bot_user_id:
            return 200, dict(self.bot_user)
        user = self.users.get(user_id)
        if user is None:
            raise not_found(*UNKNOWN_USER)
        return 200, copy.deepcopy(user)

    async def _get_application(self, req: _Request) -> tuple[int, Any]:
        return 200, {
            "id": str(self.application_id),
            "name": "Haven",
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "hook": True,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": dict(self.owner_user),
            "team": None,
            "flags": 0,
            "rpc_origins": [],
            "redirect_uris": [],
            "tags": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "approximate_guild_count": len(self.guilds),
            "bot": dict(self.bot_user),
            "integration_types_config": {"0": {}},
        }

    async def _create_dm(self, req: _Request) -> tuple[int, Any]:
        body = req.json if isinstance(req.json, dict) else {}
        try:
            user_id = int(body["recipient_id"])
        except (KeyError, TypeError, ValueError):
            raise invalid_form(
                {"recipient_id": field_error("BASE_TYPE_REQUIRED", "This field is required")}
            ) from None
        if user_id not in self.users:
            raise ApiError(400, "Invalid Recipient(s)", 50033)
        return 200, self._dm_channel_object(self.dm_channel_id(user_id))

    # ------------------------------------------------------------------ routes: commands

    def _scope(self, req: _Request) -> str:
        if int(req.match["app"]) != self.application_id:
            raise ApiError(403, "Missing Access", 50001)
        guild = req.match.get("guild")
        if guild is None:
            return "global"
        if int(guild) not in self.guilds:
            raise ApiError(403, "Missing Access", 50001)
        return guild

    async def _get_commands(self, req: _Request) -> tuple[int, Any]:
        return 200, copy.deepcopy(self.registered.get(self._scope(req), []))

    async def _put_commands(self, req: _Request) -> tuple[int, Any]:
        scope = self._scope(req)
        payload = req.json
        if not isinstance(payload, list):
            raise invalid_form(field_error("ARRAY_TYPE_CONVERT", "Only iterables may be used"))
        if len(payload) > MAX_COMMANDS:
            raise invalid_form(field_error("BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer"))
        errors: dict[str, Any] = {}
        seen: set[tuple[str, int]] = set()
        for index, command in enumerate(payload):
            problems = _command_errors(command)
            if problems:
                errors[str(index)] = problems
                continue
            key = (command["name"], command.get("type", 1))
            if key in seen:
                errors[str(index)] = {
                    "name": field_error(
                        "APPLICATION_COMMANDS_DUPLICATE_NAME",
                        "Application command names must be unique",
                    )
                }
            seen.add(key)
        if errors:
            raise invalid_form(errors)
        self.commands[scope] = copy.deepcopy(payload)
        previous = {(c["name"], c["type"]): c for c in self.registered.get(scope, [])}
        registered = [self._registered_command(c, scope, previous) for c in payload]
        self.registered[scope] = registered
        return 200, copy.deepcopy(registered)

    async def _post_command(self, req: _Request) -> tuple[int, Any]:
        scope = self._scope(req)
        command = req.json
        problems = _command_errors(command)
        if problems:
            raise invalid_form(problems)
        existing = self.registered.get(scope, [])
        previous = {(c["name"], c["type"]): c for c in existing}
        key = (command["name"], command.get("type", 1))
        created = self._registered_command(command, scope, previous)
        self.registered[scope] = [c for c in existing if (c["name"], c["type"]) != key]
        self.registered[scope].append(created)
        raw = [c for c in self.commands.get(scope, []) if (c["name"], c.get("type", 1)) != key]
        self.commands[scope] = [*raw, copy.deepcopy(command)]
        return (200 if key in previous else 201), copy.deepcopy(created)

    def _registered_command(
        self,
        command: dict[str, Any],
        scope: str,
        previous: dict[tuple[str, int], dict[str, Any]],
    ) -> dict[str, Any]:
        kind = command.get("type", 1)
        old = previous.get((command["name"], kind))
        result: dict[str, Any] = {
            "type": kind,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "dm_permission": True,
            "nsfw": False,
            "name_localizations": None,
            "description_localizations": None,
            "integration_types": [0],
            "contexts": None,
            **copy.deepcopy(command),
            "id": old["id"] if old else str(self._snowflake()),
            "application_id": str(self.application_id),
            "version": str(self._snowflake()),
        }
        if scope != "global":
            result["guild_id"] = scope
            result.pop("dm_permission", None)
        return result

    # ------------------------------------------------------------------ routes: interactions

    async def _callback(self, req: _Request) -> tuple[int, Any]:
        interaction = self.interactions.get(int(req.match["id"]))
        if interaction is None or interaction.token != req.match["token"]:
            raise not_found(*UNKNOWN_INTERACTION)
        if interaction.acknowledged:
            raise ApiError(400, "Interaction has already been acknowledged.", 40060)
        if (
            self.callback_deadline is not None
            and time.monotonic() - interaction.created > self.callback_deadline
        ):
            raise not_found(*UNKNOWN_INTERACTION)
        body = req.json if isinstance(req.json, dict) else {}
        kind = body.get("type")
        if kind not in CALLBACK_TYPES:
            raise invalid_form(
                {"type": field_error("BASE_TYPE_CHOICES", f"Value must be one of {CALLBACK_TYPES}")}
            )
        if kind in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE) and interaction.type != 3:
            raise ApiError(400, "Interaction response type is not valid here", 40043)
        data = body.get("data") or {}
        flags = int(data.get("flags") or 0)
        message: dict[str, Any] | None = None
        response = Response(
            kind="callback",
            type=kind,
            content=None,
            ephemeral=bool(flags & EPHEMERAL),
            components=[],
            allowed_mentions=None,
            pings=[],
            at=time.monotonic(),
            payload=copy.deepcopy(body),
            files=copy.deepcopy(req.attachments),
        )
        if kind == CHANNEL_MESSAGE_WITH_SOURCE:
            _check_message(data, require_content=True, attachments=req.attachments)
            message = await self._interaction_message(
                interaction, data, flags, attachments=req.attachments or None
            )
            interaction.original_message_id = int(message["id"])
        elif kind == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
            loading = {"content": "", "flags": flags & EPHEMERAL | LOADING}
            message = await self._interaction_message(interaction, loading, flags)
            interaction.original_message_id = int(message["id"])
        elif kind == UPDATE_MESSAGE:
            _check_message(data, require_content=False)
            stored = self._messages.get(interaction.original_message_id or 0)
            if stored is None:
                raise not_found(*UNKNOWN_MESSAGE)
            self._apply_edit(stored, data)
            message = stored
            response.ephemeral = bool(stored.get("ephemeral"))
        elif kind == DEFERRED_UPDATE_MESSAGE:
            stored = self._messages.get(interaction.original_message_id or 0)
            message = stored
            response.ephemeral = bool(stored and stored.get("ephemeral"))
        elif kind == MODAL:
            if interaction.type == MODAL_SUBMIT:
                raise ApiError(400, "Interaction response type is not valid here", 40043)
            _check_modal(data)
        interaction.callback_type = kind
        if message is not None and kind in (CHANNEL_MESSAGE_WITH_SOURCE, UPDATE_MESSAGE):
            _fill_response(response, message, data)
        elif message is not None:
            response.message_id = int(message["id"])
        interaction.responses.append(response)
        result: dict[str, Any] = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.type,
                "activity_instance_id": None,
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
                "response_message_ephemeral": bool(message and message.get("ephemeral")),
            }
        }
        if message is not None or kind in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            resource: dict[str, Any] = {"type": kind}
            if message is not None:
                resource["message"] = _public(message)
            result["resource"] = resource
        if req.query.get("with_response") in ("1", "true", "True"):
            return 200, result
        return 204, None

    async def _interaction_message(
        self,
        interaction: Interaction,
        data: dict[str, Any],
        flags: int,
        *,
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        payload = interaction.payload
        user = payload.get("user") or payload["member"]["user"]
        metadata: dict[str, Any] = {
            "id": str(interaction.id),
            "type": interaction.type,
            "user": copy.deepcopy(user),
            "authorizing_integration_owners": payload["authorizing_integration_owners"],
        }
        if interaction.type == APPLICATION_COMMAND:
            metadata["name"] = payload["data"]["name"]
            metadata["command_type"] = 1
        elif interaction.original_message_id is not None:
            metadata["interacted_message_id"] = str(interaction.original_message_id)
        guild_id = payload.get("guild_id")
        return await self._create_message(
            int(payload["channel_id"]),
            int(guild_id) if guild_id else None,
            data,
            ephemeral=bool(flags & EPHEMERAL),
            interaction=metadata,
            attachments=attachments,
        )

    async def _followup(self, req: _Request) -> tuple[int, Any]:
        interaction = self._interaction_for(req.match["app"], req.match["token"])
        if not interaction.acknowledged:
            raise not_found(*UNKNOWN_WEBHOOK)
        data = req.json if isinstance(req.json, dict) else {}
        _check_message(data, require_content=True, attachments=req.attachments)
        flags = int(data.get("flags") or 0)
        if interaction.callback_type == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE and (
            interaction.original_message_id is not None
            and self._messages[interaction.original_message_id]["flags"] & LOADING
        ):
            # The first follow-up after a "thinking" defer replaces the loading message.
            stored = self._messages[interaction.original_message_id]
            stored["flags"] &= ~LOADING
            self._apply_edit(stored, data, attachments=req.attachments or None, edit=False)
            message = stored
        else:
            message = await self._interaction_message(
                interaction, data, flags, attachments=req.attachments or None
            )
            interaction.followup_ids.append(int(message["id"]))
        response = Response(
            kind="followup",
            type=None,
            content=None,
            ephemeral=bool(message.get("ephemeral")),
            components=[],
            allowed_mentions=None,
            pings=[],
            at=time.monotonic(),
            payload=copy.deepcopy(data),
            files=copy.deepcopy(req.attachments),
        )
        _fill_response(response, message, data)
        interaction.responses.append(response)
        if req.query.get("wait") in ("1", "true", "True"):
            return 200, _public(message)
        return 204, None

    def _webhook_message(self, req: _Request) -> tuple[Interaction, dict[str, Any]]:
        interaction = self._interaction_for(req.match["app"], req.match["token"])
        if not interaction.acknowledged:
            raise not_found(*UNKNOWN_WEBHOOK)
        target = req.match["msg"]
        message_id = interaction.original_message_id if target == "@original" else int(target)
        if target != "@original" and message_id not in (
            [*interaction.followup_ids, interaction.original_message_id]
        ):
            raise not_found(*UNKNOWN_MESSAGE)
        stored = self._messages.get(message_id or 0)
        if stored is None or stored.get("deleted"):
            raise not_found(*UNKNOWN_MESSAGE)
        return interaction, stored

    async def _get_webhook_message(self, req: _Request) -> tuple[int, Any]:
        _, stored = self._webhook_message(req)
        return 200, _public(stored)

    async def _edit_webhook_message(self, req: _Request) -> tuple[int, Any]:
        interaction, stored = self._webhook_message(req)
        data = req.json if isinstance(req.json, dict) else {}
        _check_message(data, require_content=False, attachments=req.attachments)
        stored["flags"] &= ~LOADING
        self._apply_edit(stored, data, attachments=req.attachments or None)
        original = int(stored["id"]) == interaction.original_message_id
        response = Response(
            kind="edit_original" if original else "edit_followup",
            type=None,
            content=None,
            ephemeral=bool(stored.get("ephemeral")),
            components=[],
            allowed_mentions=None,
            pings=[],
            at=time.monotonic(),
            payload=copy.deepcopy(data),
            files=copy.deepcopy(req.attachments),
        )
        _fill_response(response, stored, data)
        interaction.responses.append(response)
        return 200, _public(stored)

    async def _delete_webhook_message(self, req: _Request) -> tuple[int, Any]:
        _, stored = self._webhook_message(req)
        stored["deleted"] = True
        return 204, None

    # ------------------------------------------------------------------ routes: channels

    async def _get_channel(self, req: _Request) -> tuple[int, Any]:
        channel = self._channel_object(int(req.match["channel"]))
        if channel is None:
            raise not_found(*UNKNOWN_CHANNEL)
        return 200, channel

    async def _post_message(self, req: _Request) -> tuple[int, Any]:
        channel_id = int(req.match["channel"])
        guild_id = self._guild_of_channel(channel_id)
        if guild_id is None:
            user_id = self._dm_user.get(channel_id)
            if user_id is None:
                raise not_found(*UNKNOWN_CHANNEL)
            if not self.dms_open.get(user_id, True):
                raise ApiError(403, "Cannot send messages to this user", 50007)
        data = req.json if isinstance(req.json, dict) else {}
        _check_message(data, require_content=True, attachments=req.attachments)
        if data.get("message_reference"):
            reference = data["message_reference"]
            referenced = self._messages.get(int(reference.get("message_id") or 0))
            if referenced is None and reference.get("fail_if_not_exists", True):
                raise invalid_form(
                    {"message_reference": field_error("REPLIES_UNKNOWN_MESSAGE", "Unknown message")}
                )
        message = await self._create_message(
            channel_id, guild_id, data, attachments=req.attachments
        )
        return 200, _public(message)

    def _channel_message(self, req: _Request) -> dict[str, Any]:
        channel_id = int(req.match["channel"])
        if self._channel_object(channel_id) is None:
            raise not_found(*UNKNOWN_CHANNEL)
        stored = self._messages.get(int(req.match["msg"]))
        if (
            stored is None
            or stored.get("deleted")
            or stored.get("ephemeral")
            or int(stored["channel_id"]) != channel_id
        ):
            raise not_found(*UNKNOWN_MESSAGE)
        return stored

    async def _get_message(self, req: _Request) -> tuple[int, Any]:
        return 200, _public(self._channel_message(req))

    async def _edit_message(self, req: _Request) -> tuple[int, Any]:
        stored = self._channel_message(req)
        if int(stored["author"]["id"]) != self.bot_user_id:
            raise ApiError(403, "Cannot edit a message authored by another user", 50005)
        data = req.json if isinstance(req.json, dict) else {}
        _check_message(data, require_content=False, attachments=req.attachments)
        self._apply_edit(stored, data)
        return 200, _public(stored)

    async def _delete_message(self, req: _Request) -> tuple[int, Any]:
        stored = self._channel_message(req)
        stored["deleted"] = True
        return 204, None

    async def _typing(self, req: _Request) -> tuple[int, Any]:
        if self._channel_object(int(req.match["channel"])) is None:
            raise not_found(*UNKNOWN_CHANNEL)
        return 204, None

    # ------------------------------------------------------------------ routes: pins

    def _pinnable(self, req: _Request) -> tuple[int, dict[str, Any]]:
        """Discord's order: the channel, then the permission (in a guild channel the bot
        needs Manage Messages or, since 2025, Pin Messages; in a DM nothing), then the
        message. The "pinned a message" system message Discord posts is not modelled."""
        channel_id = int(req.match["channel"])
        if self._channel_object(channel_id) is None:
            raise not_found(*UNKNOWN_CHANNEL)
        guild_id = self._guild_of_channel(channel_id)
        if guild_id is not None:
            allowed = self.permissions(guild_id, self.bot_user_id)
            if not allowed & (MANAGE_MESSAGES | PIN_MESSAGES):
                raise ApiError(*MISSING_PERMISSIONS)
        return channel_id, self._channel_message(req)

    async def _pin_message(self, req: _Request) -> tuple[int, Any]:
        channel_id, stored = self._pinnable(req)
        pins = self._pins.setdefault(channel_id, {})
        if int(stored["id"]) not in pins:  # pinning a pinned message changes nothing
            pins[int(stored["id"])] = _now_iso()
            stored["pinned"] = True
            await self._pins_update(channel_id)
        return 204, None

    async def _unpin_message(self, req: _Request) -> tuple[int, Any]:
        channel_id, stored = self._pinnable(req)
        if self._pins.get(channel_id, {}).pop(int(stored["id"]), None) is not None:
            stored["pinned"] = False
            await self._pins_update(channel_id)
        return 204, None

    async def _get_pins(self, req: _Request) -> tuple[int, Any]:
        """The channel's pins, newest first, `limit` (1-50) at a time, older than `before`."""
        channel_id = int(req.match["channel"])
        if self._channel_object(channel_id) is None:
            raise not_found(*UNKNOWN_CHANNEL)
        try:
            limit = int(req.query.get("limit", 50))
        except ValueError:
            raise invalid_form(
                {"limit": field_error("NUMBER_TYPE_COERCE", "Value is not int.")}
            ) from None
        if limit < 1:
            raise invalid_form(
                {
                    "limit": field_error(
                        "NUMBER_TYPE_MIN", "int value should be greater than or equal to 1."
                    )
                }
            )
        if limit > 50:
            raise invalid_form(
                {
                    "limit": field_error(
                        "NUMBER_TYPE_MAX", "int value should be less than or equal to 50."
                    )
                }
            )
        before = None
        if "before" in req.query:
            before = _parse_time(req.query["before"])
            if before is None:
                raise invalid_form({"before": _time_error(req.query["before"])})
        items = []
        for message_id, pinned_at in reversed(list(self._pins.get(channel_id, {}).items())):
            stored = self._messages.get(message_id)
            if stored is None or stored.get("deleted"):
                continue
            if before is not None and datetime.fromisoformat(pinned_at) >= before:
                continue
            items.append({"pinned_at": pinned_at, "message": _public(stored)})
        return 200, {"items": items[:limit], "has_more": len(items) > limit}

    async def _pins_update(self, channel_id: int) -> None:
        pins = self._pins.get(channel_id) or {}
        event: dict[str, Any] = {
            "channel_id": str(channel_id),
            "last_pin_timestamp": list(pins.values())[-1] if pins else None,
        }
        guild_id = self._guild_of_channel(channel_id)
        if guild_id is not None:
            event["guild_id"] = str(guild_id)
        intent = INTENT_DIRECT_MESSAGES if guild_id is None else INTENT_GUILDS
        await self._dispatch("CHANNEL_PINS_UPDATE", event, intent=intent)

    # ------------------------------------------------------------------ routes: guilds

    async def _get_guild(self, req: _Request) -> tuple[int, Any]:
        guild = self.guilds.get(int(req.match["guild"]))
        if guild is None:
            raise not_found(*UNKNOWN_GUILD)
        result = self._guild_object(guild)
        result["approximate_member_count"] = len(self._members_of(guild))
        return 200, result

    async def _get_guild_channels(self, req: _Request) -> tuple[int, Any]:
        guild = self.guilds.get(int(req.match["guild"]))
        if guild is None:
            raise not_found(*UNKNOWN_GUILD)
        return 200, copy.deepcopy(list(guild.channels.values()))

    async def _get_guild_roles(self, req: _Request) -> tuple[int, Any]:
        guild = self.guilds.get(int(req.match["guild"]))
        if guild is None:
            raise not_found(*UNKNOWN_GUILD)
        return 200, copy.deepcopy(list(guild.roles.values()))

    async def _get_member(self, req: _Request) -> tuple[int, Any]:
        guild = self.guilds.get(int(req.match["guild"]))
        if guild is None:
            raise not_found(*UNKNOWN_GUILD)
        user_id = int(req.match["user"])
        members = {m.user_id: m for m in self._members_of(guild)}
        if user_id not in members:
            raise not_found(*UNKNOWN_MEMBER)
        return 200, self._member_object(guild, members[user_id])

    async def _add_member_role(self, req: _Request) -> tuple[int, Any]:
        """Discord's rules: the bot needs Manage Roles, and may give only roles below its own
        highest one (never @everyone or a role it cannot reach)."""
        guild = self.guilds.get(int(req.match["guild"]))
        if guild is None:
            raise not_found(*UNKNOWN_GUILD)
        role_id, user_id = int(req.match["role"]), int(req.match["user"])
        if role_id not in guild.roles or role_id == guild.id:
            raise not_found("Role", 10011)
        members = {m.user_id: m for m in self._members_of(guild)}
        if user_id not in members:
            raise not_found(*UNKNOWN_MEMBER)
        bot = guild.members.get(self.bot_user_id)
        allowed = self.permissions(guild.id, self.bot_user_id)
        top = max((guild.roles[r]["position"] for r in bot.roles), default=0) if bot else 0
        if not allowed & MANAGE_ROLES or guild.roles[role_id]["position"] >= top:
            raise ApiError(403, "Missing Permissions", 50013)
        member = members[user_id]
        if role_id not in member.roles:
            member.roles.append(role_id)
        return 204, None

    def member_roles(self, guild_id: int, user_id: int) -> list[str]:
        """The names of the roles a member has now."""
        guild = self._guild(guild_id)
        member = guild.members.get(user_id)
        return [guild.roles[r]["name"] for r in member.roles] if member else []

    # ------------------------------------------------------------------ routes: scheduled events

    def _event_guild(self, req: _Request) -> _Guild:
        guild = self.guilds.get(int(req.match["guild"]))
        if guild is None:
            raise not_found(*UNKNOWN_GUILD)
        return guild

    def _scheduled_event(self, guild: _Guild, req: _Request) -> dict[str, Any]:
        event = guild.scheduled_events.get(int(req.match["event"]))
        if event is None:
            raise not_found(*UNKNOWN_SCHEDULED_EVENT)
        return event

    def _check_manage_event(self, guild: _Guild, event: dict[str, Any] | None) -> None:
        """Discord's rule: Manage Events covers every event; Create Events lets the bot create
        events and change or delete the ones it created."""
        allowed = self.permissions(guild.id, self.bot_user_id)
        own = event is None or event.get("creator_id") == str(self.bot_user_id)
        if not (allowed & MANAGE_EVENTS or (allowed & CREATE_EVENTS and own)):
            raise ApiError(*MISSING_PERMISSIONS)

    def _event_answer(self, event: dict[str, Any], req: _Request) -> dict[str, Any]:
        result = copy.deepcopy(event)
        if req.query.get("with_user_count") in ("1", "true", "True"):
            result["user_count"] = 0  # nobody subscribes in the fake
        return result

    async def _get_scheduled_events(self, req: _Request) -> tuple[int, Any]:
        guild = self._event_guild(req)
        return 200, [self._event_answer(e, req) for e in guild.scheduled_events.values()]

    async def _get_scheduled_event(self, req: _Request) -> tuple[int, Any]:
        guild = self._event_guild(req)
        return 200, self._event_answer(self._scheduled_event(guild, req), req)

    async def _create_scheduled_event(self, req: _Request) -> tuple[int, Any]:
        guild = self._event_guild(req)
        self._check_manage_event(guild, None)
        body = req.json if isinstance(req.json, dict) else {}
        errors = _scheduled_event_errors(body, None)
        if errors:
            raise invalid_form(errors)
        event_id = self._snowflake()
        event: dict[str, Any] = {
            "id": str(event_id),
            "guild_id": str(guild.id),
            "channel_id": None,
            "creator_id": str(self.bot_user_id),
            "name": body["name"],
            "description": body.get("description"),
            "scheduled_start_time": "",
            "scheduled_end_time": None,
            "privacy_level": EVENT_GUILD_ONLY,
            "status": EVENT_SCHEDULED,
            "entity_type": EVENT_EXTERNAL,
            "entity_id": None,
            "entity_metadata": None,
            "creator": {k: v for k, v in self.bot_user.items() if k in _USER_KEYS},
            "image": None,
            "recurrence_rule": None,
        }
        _apply_event_changes(event, {k: v for k, v in body.items() if k != "status"})
        guild.scheduled_events[event_id] = event
        await self._dispatch(
            "GUILD_SCHEDULED_EVENT_CREATE", event, intent=INTENT_GUILD_SCHEDULED_EVENTS
        )
        return 200, copy.deepcopy(event)

    async def _edit_scheduled_event(self, req: _Request) -> tuple[int, Any]:
        """Any subset of the fields; `status` moves SCHEDULED to ACTIVE or CANCELED and ACTIVE
        to COMPLETED, and a COMPLETED or CANCELED event cannot change any more (180000)."""
        guild = self._event_guild(req)
        event = self._scheduled_event(guild, req)
        self._check_manage_event(guild, event)
        if event["status"] in (EVENT_COMPLETED, EVENT_CANCELED):
            raise ApiError(400, "Cannot update a finished event", 180000)
        body = req.json if isinstance(req.json, dict) else {}
        errors = _scheduled_event_errors(body, event)
        if errors:
            raise invalid_form(errors)
        _apply_event_changes(event, body)
        await self._dispatch(
            "GUILD_SCHEDULED_EVENT_UPDATE", event, intent=INTENT_GUILD_SCHEDULED_EVENTS
        )
        return 200, copy.deepcopy(event)

    async def _delete_scheduled_event(self, req: _Request) -> tuple[int, Any]:
        guild = self._event_guild(req)
        event = self._scheduled_event(guild, req)
        self._check_manage_event(guild, event)
        del guild.scheduled_events[int(event["id"])]
        await self._dispatch(
            "GUILD_SCHEDULED_EVENT_DELETE", event, intent=INTENT_GUILD_SCHEDULED_EVENTS
        )
        return 204, None

    # ------------------------------------------------------------------ messages

    async def _create_message(
        self,
        channel_id: int,
        guild_id: int | None,
        data: dict[str, Any],
        *,
        ephemeral: bool = False,
        interaction: dict[str, Any] | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        message_id = self._snowflake()
        flags = int(data.get("flags") or 0)
        if not ephemeral:
            flags &= ~EPHEMERAL
        message: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "type": 0 if interaction is None or interaction["type"] != 2 else 20,
            "author": dict(self.bot_user),
            "content": "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(data.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "flags": flags,
        }
        if guild_id is not None:
            message["guild_id"] = str(guild_id)
        if data.get("nonce") is not None:
            message["nonce"] = data["nonce"]
        if interaction is not None:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
            message["interaction_metadata"] = interaction
        if data.get("message_reference"):
            reference = data["message_reference"]
            message["message_reference"] = {
                "type": 0,
                "message_id": str(reference.get("message_id")),
                "channel_id": str(reference.get("channel_id") or channel_id),
            }
            if guild_id is not None:
                message["message_reference"]["guild_id"] = str(guild_id)
        message["interaction"] = interaction is not None
        message["ephemeral"] = ephemeral
        self._apply_edit(message, data, attachments=attachments, edit=False)
        self._messages[message_id] = message
        if not ephemeral:
            self._channel_log.setdefault(channel_id, []).append(message_id)
            event = _public(message)
            intent = INTENT_DIRECT_MESSAGES if guild_id is None else INTENT_GUILD_MESSAGES
            if guild_id is not None:
                guild = self.guilds[guild_id]
                member = self._member_object(guild, self._bot_member(guild))
                member.pop("user")
                event["member"] = member
            await self._dispatch("MESSAGE_CREATE", event, intent=intent)
        return message

    def _complete_message(self, message: dict[str, Any]) -> dict[str, Any]:
        complete: dict[str, Any] = {
            "type": 0,
            "author": dict(self.bot_user),
            "content": "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "flags": 0,
        }
        complete.update(_public(message))
        complete["id"] = str(message["id"])
        complete["channel_id"] = str(message["channel_id"])
        return complete

    def _apply_edit(
        self,
        message: dict[str, Any],
        data: dict[str, Any],
        *,
        attachments: list[dict[str, Any]] | None = None,
        edit: bool = True,
    ) -> None:
        if "content" in data:
            message["content"] = data["content"] or ""
        if "embeds" in data:
            message["embeds"] = copy.deepcopy(data["embeds"] or [])
        if "components" in data:
            message["components"] = copy.deepcopy(data["components"] or [])
        if "flags" in data and edit:
            keep = message["flags"] & (EPHEMERAL | LOADING)
            message["flags"] = (int(data["flags"] or 0) & ~(EPHEMERAL | LOADING)) | keep
        if attachments is not None or "attachments" in data:
            message["attachments"] = self._attachments(data.get("attachments"), attachments)
        if edit:
            message["edited_timestamp"] = _now_iso()
        allowed = data.get("allowed_mentions") if "allowed_mentions" in data else None
        message["allowed_mentions"] = copy.deepcopy(allowed)
        pings = _pings(message["content"], allowed)
        message["pings"] = pings
        guild_id = int(message["guild_id"]) if message.get("guild_id") else None
        message["mention_everyone"] = "@everyone" in pings or "@here" in pings
        message["mentions"] = [
            copy.deepcopy(self.users[int(p[2:-1])])
            for p in pings
            if p.startswith("<@") and not p.startswith("<@&") and int(p[2:-1]) in self.users
        ]
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        message["mention_roles"] = [
            p[3:-1] for p in pings if p.startswith("<@&") and guild and int(p[3:-1]) in guild.roles
        ]

    def _attachments(
        self, described: Any, uploaded: list[dict[str, Any]] | None
    ) -> list[dict[str, Any]]:
        result = []
        for upload in uploaded or []:
            attachment_id = self._snowflake()
            self._attachment_data[str(attachment_id)] = upload["data"]
            result.append(
                {
                    "id": str(attachment_id),
                    "filename": upload["filename"],
                    "size": upload["size"],
                    "url": f"http://127.0.0.1:{self.port}/attachments/{attachment_id}",
                    "proxy_url": f"http://127.0.0.1:{self.port}/attachments/{attachment_id}",
                    "content_type": upload["content_type"],
                    **({"description": upload["description"]} if "description" in upload else {}),
                }
            )
        if not uploaded and isinstance(described, list):
            result = [a for a in described if isinstance(a, dict) and "url" in a]
        return result

    # ------------------------------------------------------------------ objects

    def _guild_create(self, guild: _Guild, intents: int) -> dict[str, Any]:
        members = self._members_of(guild)
        sent = [m for m in members if m.user_id == self.bot_user_id]
        if intents & INTENT_GUILD_MEMBERS:
            sent = members
        result = self._guild_object(guild)
        result.update(
            channels=copy.deepcopy(list(guild.channels.values())),
            members=[self._member_object(guild, m) for m in sent],
            member_count=len(members),
            joined_at=guild.joined_at,
            large=False,
            unavailable=False,
            lazy=True,
            voice_states=[],
            presences=[],
            threads=[],
            stage_instances=[],
            guild_scheduled_events=copy.deepcopy(list(guild.scheduled_events.values())),
            soundboard_sounds=[],
            embedded_activities=[],
        )
        for channel in result["channels"]:
            channel.pop("guild_id", None)  # GUILD_CREATE channels come without it
        return result

    def _guild_object(self, guild: _Guild) -> dict[str, Any]:
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "region": "deprecated",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": copy.deepcopy(list(guild.roles.values())),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": _str_or_none(guild.system_channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_members": 500000,
            "max_presences": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
        }

    def _members_of(self, guild: _Guild) -> list[_Member]:
        members = list(guild.members.values())
        if self.bot_user_id not in guild.members:
            members.insert(0, self._bot_member(guild))
        return members

    def _bot_member(self, guild: _Guild) -> _Member:
        return guild.members.get(self.bot_user_id) or _Member(
            self.bot_user_id, [], None, guild.joined_at
        )

    def _member_object(self, guild: _Guild, member: _Member) -> dict[str, Any]:
        if member.user_id == self.bot_user_id:
            user = {k: v for k, v in self.bot_user.items() if k in _USER_KEYS}
        else:
            user = copy.deepcopy(self.users[member.user_id])
        return {
            "user": user,
            "nick": None,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in member.roles],
            "joined_at": member.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }

    def _dm_channel_object(self, channel_id: int) -> dict[str, Any]:
        user_id = self._dm_user[channel_id]
        return {
            "id": str(channel_id),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [copy.deepcopy(self.users[user_id])],
        }

    def _channel_object(self, channel_id: int) -> dict[str, Any] | None:
        if channel_id in self._dm_user:
            return self._dm_channel_object(channel_id)
        guild_id = self._guild_of_channel(channel_id)
        if guild_id is None:
            return None
        return copy.deepcopy(self.guilds[guild_id].channels[channel_id])

    def _guild_of_channel(self, channel_id: int) -> int | None:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.id
        return None

    # ------------------------------------------------------------------ helpers

    def _snowflake(self) -> int:
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last_id = max(self._last_id + 1, now)
        return self._last_id

    def _mentioned_user(self, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_user_id:
            return {k: v for k, v in self.bot_user.items() if k in _USER_KEYS}
        return copy.deepcopy(self.users[user_id])

    def _user(self, user_id: int) -> dict[str, Any]:
        user = self.users.get(user_id)
        if user is None:
            raise ValueError(f"unknown user {user_id}; call add_user first")
        return user

    def _username(self, user_id: int) -> str:
        if user_id == self.bot_user_id:
            return str(self.bot_user["username"]).casefold()
        return str(self.users[user_id]["username"]).casefold()

    def _guild(self, guild_id: int) -> _Guild:
        guild = self.guilds.get(guild_id)
        if guild is None:
            raise ValueError(f"unknown guild {guild_id}; call add_guild first")
        return guild

    def _describe(self) -> str:
        if not self.requests:
            return "no HTTP requests"
        lines = ["last requests:"]
        for r in self.requests[-10:]:
            body = json.dumps(r.json, ensure_ascii=False, default=str)
            if len(body) > 300:
                body = body[:297] + "..."
            lines.append(f"  {r.method} {r.path} [{r.status}] {body}")
        return "\n".join(lines)


# ---------------------------------------------------------------------- module helpers

_USER_KEYS = ("id", "username", "discriminator", "global_name", "avatar", "bot", "public_flags")


def _user_object(user_id: int, username: str) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": username,
        "avatar": None,
        "bot": False,
        "public_flags": 0,
    }


def _role_object(role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
    return {
        "id": str(role_id),
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def _in_shard(guild_id: int, shard: list[int] | None) -> bool:
    """Discord's rule: guild G is on shard (G >> 22) % shard_count."""
    if not shard:
        return True
    shard_id, count = shard
    return (guild_id >> 22) % count == shard_id


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _str_or_none(value: int | None) -> str | None:
    return None if value is None else str(value)


def _public(message: dict[str, Any]) -> dict[str, Any]:
    """A stored message as Discord returns it: without the fake's own keys."""
    result = copy.deepcopy(message)
    for key in FAKE_KEYS:
        if key == "interaction" and not isinstance(result.get(key), bool):
            continue
        result.pop(key, None)
    return result


def _without_content(message: dict[str, Any]) -> dict[str, Any]:
    """A MESSAGE_CREATE as a bot without the MESSAGE_CONTENT intent receives it."""
    result = copy.deepcopy(message)
    result.update(content="", embeds=[], attachments=[], components=[])
    result.pop("poll", None)
    return result


def _fill_response(response: Response, message: dict[str, Any], data: dict[str, Any]) -> None:
    response.content = message.get("content")
    response.components = copy.deepcopy(message.get("components") or [])
    response.embeds = copy.deepcopy(message.get("embeds") or [])
    response.allowed_mentions = copy.deepcopy(data.get("allowed_mentions"))
    response.pings = list(message.get("pings") or [])
    response.message_id = int(message["id"])


def _pings(content: str, allowed: dict[str, Any] | None) -> list[str]:
    """What `content` would ping under `allowed` (Discord parses everything when absent)."""
    if allowed is None:
        allowed = {"parse": ["everyone", "users", "roles"]}
    parse = set(allowed.get("parse") or [])
    users = {str(u) for u in allowed.get("users") or []}
    roles = {str(r) for r in allowed.get("roles") or []}
    pings: list[str] = []
    for match in MENTION.finditer(content or ""):
        everyone, user, role = match.groups()
        if everyone and "everyone" in parse:
            token = f"@{everyone}"
        elif user and ("users" in parse or user in users):
            token = f"<@{user}>"
        elif role and ("roles" in parse or role in roles):
            token = f"<@&{role}>"
        else:
            continue
        if token not in pings:
            pings.append(token)
    return pings


def _check_message(
    data: dict[str, Any],
    *,
    require_content: bool,
    attachments: list[dict[str, Any]] | None = None,
) -> None:
    content = data.get("content")
    if content is not None and not isinstance(content, str):
        raise invalid_form({"content": field_error("STRING_TYPE_CONVERT", "Must be a string")})
    if content is not None and len(content) > MESSAGE_MAX_LENGTH:
        raise invalid_form(
            {
                "content": field_error(
                    "BASE_TYPE_MAX_LENGTH", f"Must be {MESSAGE_MAX_LENGTH} or fewer in length."
                )
            }
        )
    embeds = data.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        raise invalid_form({"embeds": field_error("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer")})
    components = data.get("components") or []
    _check_components(components, int(data.get("flags") or 0))
    allowed = data.get("allowed_mentions")
    if allowed is not None:
        parse = allowed.get("parse") or []
        if any(p not in ("users", "roles", "everyone") for p in parse):
            raise invalid_form(
                {"allowed_mentions": {"parse": field_error("BASE_TYPE_CHOICES", "Invalid value")}}
            )
        for kind in ("users", "roles"):
            if kind in parse and allowed.get(kind):
                raise invalid_form(
                    {
                        "allowed_mentions": field_error(
                            "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                            f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                        )
                    }
                )
    has_body = bool(content) or bool(embeds) or bool(components) or bool(attachments)
    has_body = has_body or bool(data.get("sticker_ids")) or bool(data.get("poll"))
    if require_content and not has_body:
        raise ApiError(400, "Cannot send an empty message", 50006)


def _check_components(components: Any, flags: int) -> None:
    if not isinstance(components, list):
        raise invalid_form({"components": field_error("LIST_TYPE_CONVERT", "Must be a list")})
    if flags & (1 << 15):  # IS_COMPONENTS_V2: layouts are not checked
        return
    if len(components) > MAX_ACTION_ROWS:
        raise invalid_form(
            {"components": field_error("BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer")}
        )
    for index, row in enumerate(components):
        if not isinstance(row, dict) or row.get("type") != 1:
            raise invalid_form(
                {"components": {str(index): field_error("UNION_TYPE_CHOICES", "Not an action row")}}
            )
        children = row.get("components") or []
        if not 1 <= len(children) <= 5:
            raise invalid_form(
                {
                    "components": {
                        str(index): {
                            "components": field_error(
                                "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
                            )
                        }
                    }
                }
            )
        for child in children:
            custom_id = child.get("custom_id")
            if custom_id is not None and not 1 <= len(str(custom_id)) <= 100:
                raise invalid_form(
                    {"components": field_error("BASE_TYPE_BAD_LENGTH", "custom_id: 1 to 100")}
                )
            label = child.get("label")
            if label is not None and len(str(label)) > 80:
                raise invalid_form(
                    {"components": field_error("BASE_TYPE_MAX_LENGTH", "label: 80 or fewer")}
                )
            # link (style 5) and premium (style 6) buttons have no custom_id
            if child.get("type") == 2 and child.get("style") not in (5, 6) and not custom_id:
                raise invalid_form(
                    {"components": field_error("COMPONENT_CUSTOM_ID_REQUIRED", "custom_id")}
                )


def _parse_time(value: Any) -> datetime | None:
    """An ISO8601 timestamp as Discord reads it (no offset: UTC); None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _time_error(value: Any) -> dict[str, Any]:
    return field_error("DATE_TIME_TYPE_PARSE", f"Could not parse {value}. Should be ISO8601.")


def _required() -> dict[str, Any]:
    return field_error("BASE_TYPE_REQUIRED", "This field is required")


def _scheduled_event_errors(body: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """Discord's checks on a scheduled event's create (`current` None) or modify payload, as
    {field: errors} ({} when it is fine). A field left out of a modify keeps its value, and
    the rules hold for the result: an EXTERNAL event has a location (1-100 characters) and an
    end, the end comes after the start, and a start that is set while the event is still
    SCHEDULED lies in the future (GUILD_SCHEDULED_EVENT_SCHEDULE_PAST, as Discord answers).
    The fake has no voice or stage channels, so only EXTERNAL events can be made."""
    errors: dict[str, Any] = {}
    creating = current is None
    old = current or {}

    if creating or "name" in body:
        name = body.get("name")
        if name is None:
            errors["name"] = _required()
        elif not isinstance(name, str) or not 1 <= len(name) <= EVENT_NAME_MAX:
            errors["name"] = field_error(
                "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {EVENT_NAME_MAX} in length."
            )
    description = body.get("description")
    if description is not None and (
        not isinstance(description, str) or len(description) > EVENT_DESCRIPTION_MAX
    ):
        errors["description"] = field_error(
            "BASE_TYPE_MAX_LENGTH", f"Must be {EVENT_DESCRIPTION_MAX} or fewer in length."
        )
    if creating or "privacy_level" in body:
        if body.get("privacy_level") is None:
            errors["privacy_level"] = _required()
        elif body["privacy_level"] != EVENT_GUILD_ONLY:
            errors["privacy_level"] = field_error(
                "BASE_TYPE_CHOICES", f"Value must be one of {{{EVENT_GUILD_ONLY}}}."
            )

    entity_type = body.get("entity_type", old.get("entity_type"))
    if entity_type is None:
        errors["entity_type"] = _required()
    elif entity_type not in (EVENT_STAGE_INSTANCE, EVENT_VOICE, EVENT_EXTERNAL):
        errors["entity_type"] = field_error("BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
    elif entity_type != EVENT_EXTERNAL:
        channel = body.get("channel_id")
        errors["channel_id"] = (
            _required()
            if channel is None
            else field_error("CHANNEL_TYPE_INVALID", "Channel must be a voice or stage channel.")
        )

    start = _parse_time(old.get("scheduled_start_time"))
    if creating or "scheduled_start_time" in body:
        raw = body.get("scheduled_start_time")
        start = _parse_time(raw)
        if raw is None:
            errors["scheduled_start_time"] = _required()
        elif start is None:
            errors["scheduled_start_time"] = _time_error(raw)
        elif start <= datetime.now(UTC) and old.get("status", EVENT_SCHEDULED) == EVENT_SCHEDULED:
            errors["scheduled_start_time"] = field_error(
                "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST", "Cannot schedule event in the past."
            )
    end = _parse_time(old.get("scheduled_end_time"))
    if "scheduled_end_time" in body:
        raw = body["scheduled_end_time"]
        end = _parse_time(raw)
        if raw is not None and end is None:
            errors["scheduled_end_time"] = _time_error(raw)
    if "scheduled_end_time" not in errors:
        if end is None and entity_type == EVENT_EXTERNAL:
            errors["scheduled_end_time"] = _required()
        elif end is not None and start is not None and end <= start:
            errors["scheduled_end_time"] = field_error(
                "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                "Cannot schedule event to end before starting.",
            )

    if entity_type == EVENT_EXTERNAL:
        metadata = (
            body["entity_metadata"] if "entity_metadata" in body else old.get("entity_metadata")
        )
        location = metadata.get("location") if isinstance(metadata, dict) else None
        if location is None:
            errors["entity_metadata"] = {"location": _required()}
        elif not isinstance(location, str) or not 1 <= len(location) <= EVENT_LOCATION_MAX:
            errors["entity_metadata"] = {
                "location": field_error(
                    "BASE_TYPE_BAD_LENGTH",
                    f"Must be between 1 and {EVENT_LOCATION_MAX} in length.",
                )
            }

    if "status" in body and not creating:  # a new event is SCHEDULED, whatever it says
        status = body["status"]
        now = old.get("status", EVENT_SCHEDULED)
        if status != now and status not in EVENT_TRANSITIONS.get(now, ()):
            errors["status"] = field_error(
                "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
                f"Cannot change the status of an event from {now} to {status}.",
            )
    return errors


def _apply_event_changes(event: dict[str, Any], body: dict[str, Any]) -> None:
    """Apply a checked create or modify payload to a stored event (times as Discord returns
    them: UTC, with an offset)."""
    for key in ("name", "description", "status"):
        if key in body:
            event[key] = body[key]
    for key in ("scheduled_start_time", "scheduled_end_time"):
        if key in body:
            parsed = _parse_time(body[key])
            event[key] = None if parsed is None else parsed.astimezone(UTC).isoformat()
    if "entity_metadata" in body:
        location = (body["entity_metadata"] or {}).get("location")
        event["entity_metadata"] = {"location": location} if location is not None else None
    if "image" in body:  # Discord stores the upload and answers with its hash
        event["image"] = secrets.token_hex(16) if body["image"] else None


def _name_error(name: Any, kind: int) -> dict[str, Any]:
    """Discord's naming rule: a slash command's name (and an option's) is one lowercase word;
    a user or message command's (the context menu's) may have capitals and spaces."""
    if kind in CONTEXT_MENU:
        if not isinstance(name, str) or not 1 <= len(name) <= 32 or not name.strip():
            return field_error("APPLICATION_COMMAND_INVALID_NAME", "Invalid name")
        return {}
    if not isinstance(name, str) or not COMMAND_NAME.fullmatch(name):
        return field_error("APPLICATION_COMMAND_INVALID_NAME", "Invalid name")
    if name != name.lower():
        return field_error("APPLICATION_COMMAND_INVALID_NAME", "Must be lowercase")
    return {}


def _command_errors(command: Any) -> dict[str, Any]:
    """Discord's checks on one application command payload ({} when it is fine). A user (2) or
    message (3) command is a name shown in a context menu: no description, no options (the
    field codes of those refusals are the fake's own; the answer is Discord's 50035)."""
    if not isinstance(command, dict):
        return field_error("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
    errors: dict[str, Any] = {}
    kind = command.get("type", 1)
    if kind not in COMMAND_TYPES:
        errors["type"] = field_error("BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
        return errors
    name = command.get("name")
    if problem := _name_error(name, kind):
        errors["name"] = problem
    if localized := _name_localizations_errors(command.get("name_localizations"), kind):
        errors["name_localizations"] = localized
    description = command.get("description", "")
    if kind == 1 and (not isinstance(description, str) or not 1 <= len(description) <= 100):
        errors["description"] = field_error(
            "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
        )
    elif kind in CONTEXT_MENU and description not in ("", None):
        errors["description"] = field_error(
            "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID",
            "Context menu commands cannot have description",
        )
    if kind in CONTEXT_MENU and command.get("description_localizations"):
        errors["description_localizations"] = field_error(
            "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID",
            "Context menu commands cannot have description",
        )
    elif localized := _localizations_errors(command.get("description_localizations")):
        errors["description_localizations"] = localized
    options = command.get("options") or []
    if kind in CONTEXT_MENU and options:
        errors["options"] = field_error(
            "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS_INVALID",
            "Context menu commands cannot have options",
        )
    elif option_errors := _options_errors(options):
        errors["options"] = option_errors
    return errors


def _name_localizations_errors(localized: Any, kind: int) -> dict[str, Any]:
    """A command's `name_localizations`: known locales, each name under the name's own rule."""
    if localized is None:
        return {}
    if not isinstance(localized, dict):
        return field_error("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
    errors: dict[str, Any] = {}
    for locale, name in localized.items():
        if locale not in LOCALES:
            errors[locale] = field_error("LOCALE_INVALID", f"Invalid locale: {locale}")
        elif problem := _name_error(name, kind):
            errors[locale] = problem
    return errors


# Discord's locales (https://discord.com/developers/docs/reference#locales).
LOCALES = frozenset(
    [
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    ]
)


def _localizations_errors(localized: Any) -> dict[str, Any]:
    """A command's or option's `description_localizations`: known locales, 1-100 characters."""
    if localized is None:
        return {}
    if not isinstance(localized, dict):
        return field_error("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
    errors: dict[str, Any] = {}
    for locale, text in localized.items():
        if locale not in LOCALES:
            errors[locale] = field_error("LOCALE_INVALID", f"Invalid locale: {locale}")
        elif not isinstance(text, str) or not 1 <= len(text) <= 100:
            errors[locale] = field_error(
                "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
            )
    return errors


def _options_errors(options: Any) -> dict[str, Any]:
    if not isinstance(options, list) or len(options) > 25:
        return field_error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    errors: dict[str, Any] = {}
    names: set[str] = set()
    seen_optional = False
    for index, option in enumerate(options):
        problems: dict[str, Any] = {}
        name = option.get("name") if isinstance(option, dict) else None
        if not isinstance(name, str) or not COMMAND_NAME.fullmatch(name) or name != name.lower():
            problems["name"] = field_error("APPLICATION_COMMAND_INVALID_NAME", "Invalid name")
        elif name in names:
            problems["name"] = field_error(
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique"
            )
        else:
            names.add(name)
        if isinstance(option, dict):
            description = option.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 100:
                problems["description"] = field_error(
                    "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
                )
            if localized := _localizations_errors(option.get("description_localizations")):
                problems["description_localizations"] = localized
            if option.get("type") in (1, 2):
                sub = _options_errors(option.get("options") or [])
                if sub:
                    problems["options"] = sub
            elif option.get("required"):
                if seen_optional:
                    problems["required"] = field_error(
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
            else:
                seen_optional = True
            if len(option.get("choices") or []) > 25:
                problems["choices"] = field_error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer")
        if problems:
            errors[str(index)] = problems
    return errors


def _walk_options(options: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for option in options:
        yield option
        yield from _walk_options(option.get("options") or [])


def _find_component(components: list[Any], custom_id: str) -> dict[str, Any] | None:
    for component in components:
        if not isinstance(component, dict):
            continue
        if component.get("custom_id") == custom_id:
            return component
        for key in ("components", "accessory"):
            inner = component.get(key)
            inner_list = [inner] if isinstance(inner, dict) else inner or []
            found = _find_component(inner_list, custom_id)
            if found is not None:
                return found
    return None


def _custom_ids(components: list[Any]) -> list[str]:
    found: list[str] = []
    for component in components:
        if not isinstance(component, dict):
            continue
        if component.get("custom_id") is not None:
            found.append(component["custom_id"])
        inner = component.get("components") or []
        accessory = component.get("accessory")
        found.extend(_custom_ids([*inner, *([accessory] if accessory else [])]))
    return found


def _base_headers() -> dict[str, str]:
    return {"Via": "1.1 google"}


def _json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={**_base_headers(), **(headers or {}), "Content-Type": "application/json"},
    )


async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
    """The JSON body (also from multipart `payload_json`) and any uploaded files."""
    if not request.can_read_body:
        return None, []
    if request.content_type == "multipart/form-data":
        payload: Any = None
        files: list[dict[str, Any]] = []
        reader = await request.multipart()
        async for part in reader:
            if part is None or not hasattr(part, "read"):
                continue
            data = await part.read()  # type: ignore[union-attr]
            name = getattr(part, "name", None)
            if name == "payload_json":
                try:
                    payload = json.loads(data.decode("utf-8"))
                except ValueError:
                    raise ApiError(400, "400: Bad Request", 50109) from None
            else:
                files.append(
                    {
                        "field": name,
                        "filename": getattr(part, "filename", None) or name,
                        "size": len(data),
                        "content_type": part.headers.get("Content-Type"),  # type: ignore[union-attr]
                        "data": bytes(data),
                    }
                )
        # Alt text arrives beside the upload: payload_json's attachments[] with the same index.
        described = None
        if isinstance(payload, dict):  # an interaction callback nests its message under "data"
            inner = payload.get("data") if isinstance(payload.get("data"), dict) else payload
            described = inner.get("attachments")
        by_id = {str(a.get("id")): a for a in described or [] if isinstance(a, dict)}
        for upload in files:
            index = str(upload["field"]).removeprefix("files[").removesuffix("]")
            if by_id.get(index, {}).get("description"):
                upload["description"] = by_id[index]["description"]
        return payload, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw.decode("utf-8")), []
    except ValueError:
        raise ApiError(400, "The request body contains invalid JSON.", 50109) from None
