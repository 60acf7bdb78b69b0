"""A fake Telegram Bot API server for end-to-end tests.

`FakeTelegram` serves the Bot API over HTTP on 127.0.0.1 (a random port), so the real
python-telegram-bot library can talk to it:

    fake = FakeTelegram()
    await fake.start()
    bot = telegram.Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)

Tests build the world (`add_user`, `add_group`, `promote` / `demote` for administrators and
their rights), make users act (`send_text`, `press`, `join`), and then look at what the bot did
(`calls`, `sent`, `messages_to`, `pinned`, `wait_for`).
Errors use Telegram's shapes: `{"ok": false, "error_code": ..., "description": ...}`, plus
`"parameters": {"retry_after": n}` for 429s. Faults are injected one by one (`fail_next`) or, for
soak runs, at random (`chaos`: a share of all requests answered with a 5xx or a 429).

Requests are read the way Telegram reads them: form-urlencoded or multipart bodies whose
non-string values are JSON-encoded (what python-telegram-bot sends), JSON bodies, or query
strings. Everything runs on the event loop that called `start()`; the state is only touched
between awaits, so it needs no locks.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import random
import re
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["GROUP_ANONYMOUS_BOT", "Call", "FakeTelegram"]

GROUP_ANONYMOUS_BOT: dict[str, Any] = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}

# Sending limits, enforced on sendMessage, sendPhoto, sendDocument and editMessageText
# (see https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this)
GLOBAL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
LIMIT_TOLERANCE = 0.05

MESSAGE_MAX_LENGTH = 4096
CAPTION_MAX_LENGTH = 1024
CALLBACK_DATA_MAX_BYTES = 64
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
MAX_COMMANDS = 100
# Update types a getUpdates call gets when allowed_updates is empty or was never given.
NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Parameters whose values are strings even when they look like JSON ("123", "true", ...).
STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "url",
        "language_code",
        "file_id",
        "action",
        "title",
        "description",
        "short_description",
        "name",
        "photo",
        "document",
        "thumbnail",
    }
)

QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_STARTED = "Forbidden: bot can't initiate conversation with a user"
CHAT_NOT_FOUND = "Bad Request: chat not found"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
NO_PIN_RIGHTS = "not enough rights to manage pinned messages in the chat"

RESTRICTABLE = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
    "can_react_to_messages",
)
ADMIN_RIGHTS: dict[str, bool] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
    "can_manage_topics": False,
}


@dataclass
class Call:
    """One request the bot made. `status` is 0 while the request is still being answered
    (a long poll), then the HTTP status code of the answer; `response` is the JSON answer."""

    method: str
    params: dict[str, Any]
    at: float
    status: int = 0
    response: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return (self.response or {}).get("result")


class ApiError(Exception):
    """An error answer: raised inside a method handler, turned into Telegram's error JSON."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def parse_error(description: str) -> ApiError:
    return bad_request(f"can't parse entities: {description}")


DROP = 0  # fail_next(method, DROP, ...): close the connection without an answer


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None
    times: int


@dataclass
class _Chaos:
    rate: float
    statuses: tuple[int, ...]
    rng: random.Random
    retry_after: int
    methods: frozenset[str] | None


CHAOS_DESCRIPTIONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class _Queued:
    update: dict[str, Any]
    redeliver: bool = False  # re-queued by push(): delivered even below the confirmed offset


@dataclass
class _Upload:
    data: bytes
    file_name: str | None
    mime_type: str | None
    file_id: str
    file_unique_id: str
    file_path: str


Handler = Callable[[dict[str, Any]], Awaitable[Any]]


class FakeTelegram:
    """An in-process Telegram Bot API server. See the module docstring."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "HavenTestBot",
        bot_id: int = 999000,
        enforce_limits: bool = True,
        speed: float = 1.0,
    ) -> None:
        self.token = token
        # Limits are kept on a clock running `speed` times faster than real time, so a bench
        # can check 30/s, 1/s per chat and 20/min per group in a fraction of the time.
        self.speed = speed
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.enforce_limits = enforce_limits
        self.base_url = ""
        self.base_file_url = ""
        self.port = 0
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Haven",
            "username": bot_username,
        }

        # world
        self.users: dict[int, dict[str, Any]] = {}
        self.groups: dict[int, dict[str, Any]] = {}
        self._started: dict[int, bool] = {}
        self._members: dict[int, set[int]] = {}
        self._admins: dict[int, list[int]] = {}
        self.deleted: list[tuple[int, int]] = []  # (chat id, message id) Haven deleted
        # (chat id, user id) -> the permissions a restricted member has (restrictChatMember)
        self.restricted: dict[tuple[int, int], dict[str, bool]] = {}
        self._creator: dict[int, int | None] = {}
        # (chat id, admin id) -> the rights that differ from ADMIN_RIGHTS (see promote)
        self._admin_rights: dict[tuple[int, int], dict[str, bool]] = {}
        self._pins: dict[int, set[int]] = {}  # chat id -> ids of its pinned messages

        # what the bot did
        self.calls: list[Call] = []
        self.sent: list[dict[str, Any]] = []
        self.commands: list[dict[str, Any]] = []
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.rejected_for_limits = 0

        # messages as they are now (after edits), by (chat id, message id)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_message_id: dict[int, int] = {}

        # updates
        self._queue: list[_Queued] = []
        self._next_update_id = 1
        self._allowed_updates: list[str] | None = None
        self._wakeup = asyncio.Event()
        self._callback_ids = itertools.count(1)
        self._issued_callbacks: set[str] = set()

        # webhook: when set, updates are POSTed to it (as Telegram does) instead of polled
        self.webhook: dict[str, Any] | None = None
        self.webhook_posts: list[tuple[int, int]] = []  # (update id, HTTP status answered)
        self._pusher: asyncio.Task[None] | None = None

        # faults and limits
        self._faults: dict[str, deque[_Fault]] = {}
        self._chaos: _Chaos | None = None
        self.chaos_answers: Counter[tuple[str, int]] = Counter()  # (method, status) injected
        self._sends_all: deque[float] = deque()
        self._sends_by_chat: dict[int, deque[float]] = {}

        # files
        self._uploads: dict[str, _Upload] = {}
        self._file_ids = itertools.count(1)

        self._closing = False
        self._runner: web.AppRunner | None = None
        self._handlers: dict[str, tuple[str, Handler]] = {}
        for name, handler in (
            ("getMe", self._get_me),
            ("logOut", self._true),
            ("close", self._true),
            ("deleteWebhook", self._delete_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("getUpdates", self._get_updates),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("sendChatAction", self._send_chat_action),
            ("sendPhoto", self._send_photo),
            ("sendDocument", self._send_document),
            ("getFile", self._get_file),
            ("answerCallbackQuery", self._answer_callback_query),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("getChat", self._get_chat),
            ("getChatMember", self._get_chat_member),
            ("getChatAdministrators", self._get_chat_administrators),
            ("restrictChatMember", self._restrict_chat_member),
            ("pinChatMessage", self._pin_chat_message),
            ("unpinChatMessage", self._unpin_chat_message),
            ("setWebhook", self._set_webhook),
        ):
            self._handlers[name.lower()] = (name, handler)

    # ------------------------------------------------------------------ server lifecycle

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._closing = False
        self._wakeup = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self.port = runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        self.base_file_url = f"http://127.0.0.1:{self.port}/file/bot"

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
            self._pusher = None
        self._closing = True
        self._wake()  # long polls answer [] at once
        await runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ world state

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        started: bool = True,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """A Telegram user; `language_code` is the language their app is set to (IETF, as
        Telegram sends it in every update's `from`)."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        self._started[user_id] = started
        return user

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        admins: Iterable[int] = (),
        creator: int | None = None,
        forum: bool = False,
    ) -> dict[str, Any]:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative (e.g. -1001234567890)")
        chat: dict[str, Any] = {"id": chat_id, "type": "supergroup", "title": title}
        if forum:
            chat["is_forum"] = True  # messages carry message_thread_id, the topic
        self.groups[chat_id] = chat
        admin_ids = [a for a in admins if a != creator]
        self._admins[chat_id] = admin_ids
        self._creator[chat_id] = creator
        members = {self.bot_id, *admin_ids}
        if creator is not None:
            members.add(creator)
        self._members[chat_id] = members
        return chat

    def set_started(self, user_id: int, started: bool) -> None:
        self._user(user_id)
        self._started[user_id] = started

    def promote(self, chat_id: int, user_id: int | None = None, **rights: bool) -> None:
        """Make the bot (or `user_id`) an administrator of group `chat_id` with ADMIN_RIGHTS,
        changed by `rights`: `fake.promote(GROUP, can_pin_messages=False)` is an admin that
        cannot pin. Promoting an administrator again replaces its rights."""
        self._group(chat_id)
        user_id = self.bot_id if user_id is None else user_id
        unknown = sorted(set(rights) - set(ADMIN_RIGHTS))
        if unknown:
            raise ValueError(f"unknown administrator rights: {unknown}")
        if user_id == self._creator[chat_id]:
            raise ValueError("the creator of a group has every right already")
        if user_id not in self._admins[chat_id]:
            self._admins[chat_id].append(user_id)
        self._members[chat_id].add(user_id)
        self.restricted.pop((chat_id, user_id), None)
        changed = {k: bool(v) for k, v in rights.items() if bool(v) != ADMIN_RIGHTS[k]}
        self._admin_rights[(chat_id, user_id)] = changed

    def demote(self, chat_id: int, user_id: int | None = None) -> None:
        """The bot (or `user_id`) stays in group `chat_id` as a plain member."""
        self._group(chat_id)
        user_id = self.bot_id if user_id is None else user_id
        if user_id in self._admins[chat_id]:
            self._admins[chat_id].remove(user_id)
        self._admin_rights.pop((chat_id, user_id), None)

    # ------------------------------------------------------------------ incoming updates

    def send_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        *,
        update_id: int | None = None,
        reply_to_bot: bool = False,
        reply_to: int | None = None,
        sender_chat_id: int | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """A text message from `user_id` in `chat_id` (default: the user's private chat);
        `thread_id`: the forum topic it is written in. `reply_to`: the id of a message in the
        same chat (anyone's, still there) it replies to; `reply_to_bot`: the bot's last one.
        As Telegram, the update carries the replied message without its own reply."""
        user = self._user(user_id)
        chat_id = user_id if chat_id is None else chat_id
        if chat_id > 0 and chat_id != user_id:
            raise ValueError("a user can only write in their own private chat or in a group")
        chat = self._chat_or_raise(chat_id)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "from": copy.deepcopy(user),
            "date": int(time.time()),
            "chat": chat,
            "text": text,
        }
        if thread_id is not None:
            if not chat.get("is_forum"):
                raise ValueError("topics exist only in forum groups (add_group(forum=True))")
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if sender_chat_id is not None:
            if sender_chat_id != chat_id:
                raise ValueError("sender_chat_id must be the group the message is sent in")
            message["from"] = dict(GROUP_ANONYMOUS_BOT)
            message["sender_chat"] = self._chat_dict(sender_chat_id)
        command = re.match(r"/[^\s@]+(@\w+)?", text)
        if command:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())}
            ]
        if reply_to is not None and reply_to_bot:
            raise ValueError("reply_to and reply_to_bot name two messages; give one")
        if reply_to is not None:
            original = self._messages.get((chat_id, reply_to))
            if original is None:
                raise ValueError(f"no message {reply_to} in chat {chat_id} to reply to")
            message["reply_to_message"] = _without_reply(original)
        if reply_to_bot:
            previous = [m for m in self._messages.values() if m["chat"]["id"] == chat_id]
            previous = [m for m in previous if m.get("from", {}).get("id") == self.bot_id]
            if not previous:
                raise ValueError(f"the bot has sent nothing in chat {chat_id} to reply to")
            message["reply_to_message"] = _without_reply(previous[-1])
        if chat_id == user_id:
            self._started[user_id] = True  # writing to the bot opens the private chat
        elif sender_chat_id is None:
            self._members[chat_id].add(user_id)
        self._messages[(chat_id, message["message_id"])] = message
        return self._enqueue({"message": message}, update_id)

    def press(
        self,
        user_id: int,
        message: dict[str, Any],
        data: str,
        *,
        update_id: int | None = None,
        strict: bool = True,
    ) -> dict[str, Any]:
        """A press on the inline button with callback_data `data` of a message the bot sent.

        The update carries the message as it is now (after any edits). With `strict`, the
        button has to be on that message, as it would for a real user."""
        user = self._user(user_id)
        chat_id = message["chat"]["id"]
        current = self._messages.get((chat_id, message["message_id"]))
        if current is None:
            raise ValueError(f"no message {message['message_id']} in chat {chat_id}")
        if strict:
            buttons = [
                button.get("callback_data")
                for row in (current.get("reply_markup") or {}).get("inline_keyboard", [])
                for button in row
            ]
            if data not in buttons:
                raise ValueError(f"message has no button with callback_data {data!r}: {buttons}")
        query_id = f"{next(self._callback_ids)}{self.bot_id}"
        self._issued_callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": copy.deepcopy(user),
            "message": _without_reply(current, keep_reply=True),
            "chat_instance": str(abs(chat_id) * 7 + 12345),
            "data": data,
        }
        return self._enqueue({"callback_query": query}, update_id)

    def join(self, user_id: int, chat_id: int) -> dict[str, Any]:
        """`user_id` joins group `chat_id`: a service message with new_chat_members."""
        user = self._user(user_id)
        chat = self._group(chat_id)
        message = {
            "message_id": self._new_message_id(chat_id),
            "from": copy.deepcopy(user),
            "date": int(time.time()),
            "chat": copy.deepcopy(chat),
            "new_chat_members": [copy.deepcopy(user)],
        }
        self._members[chat_id].add(user_id)
        self._messages[(chat_id, message["message_id"])] = message
        return self._enqueue({"message": message}, None)

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """Group `chat_id` becomes supergroup `new_chat_id`, as Telegram does it: the new chat
        takes the members and admins, and each chat gets a service message naming the other
        (`migrate_to_chat_id` in the old, `migrate_from_chat_id` in the new)."""
        old = self._group(chat_id)
        self.add_group(new_chat_id, old["title"], creator=self._creator[chat_id])
        self._admins[new_chat_id] = list(self._admins[chat_id])
        for admin in self._admins[chat_id]:
            rights = self._admin_rights.get((chat_id, admin))
            if rights is not None:
                self._admin_rights[(new_chat_id, admin)] = dict(rights)
        self._members[new_chat_id] = set(self._members[chat_id])
        creator = self._creator[chat_id] or self.bot_id
        for chat, key, other in (
            (chat_id, "migrate_to_chat_id", new_chat_id),
            (new_chat_id, "migrate_from_chat_id", chat_id),
        ):
            message = {
                "message_id": self._new_message_id(chat),
                "from": copy.deepcopy(self.users.get(creator, {"id": creator, "is_bot": True})),
                "date": int(time.time()),
                "chat": copy.deepcopy(self._group(chat)),
                key: other,
            }
            self._messages[(chat, message["message_id"])] = message
            self._enqueue({"message": message}, None)

    def push(self, update: dict[str, Any]) -> None:
        """Queue `update` (which has its update_id) once more, even if it was confirmed."""
        update_id = update["update_id"]
        self._queue = [q for q in self._queue if q.update["update_id"] != update_id]
        self._queue.append(_Queued(copy.deepcopy(update), redeliver=True))
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._wake()

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not confirmed yet."""
        return [q.update for q in sorted(self._queue, key=_update_id)]

    # ------------------------------------------------------------------ what the bot did

    def messages_to(self, chat_id: int) -> list[dict[str, Any]]:
        """What the bot sent in `chat_id`, in order (edits appear again, with edit_date)."""
        return [m for m in self.sent if m["chat"]["id"] == chat_id]

    def pinned(self, chat_id: int) -> list[int]:
        """The ids of the messages pinned in `chat_id` now, oldest message first (unpinned and
        deleted ones are gone)."""
        return sorted(m for m in self._pins.get(chat_id, ()) if (chat_id, m) in self._messages)

    def file_data(self, file_id: str) -> bytes:
        """The bytes the bot uploaded as `file_id` (e.g. a sent message's photo[0].file_id)."""
        return self._uploads[file_id].data

    def calls_of(self, method: str, *, ok: bool = True) -> list[Call]:
        name = self._canonical(method)
        return [c for c in self.calls if c.method == name and (c.ok or not ok)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"condition not met within {timeout} s; {self._describe_calls()}"
                )
            await asyncio.sleep(0.01)

    async def wait_for_call(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        name = self._canonical(method)
        try:
            await self.wait_for(lambda: len(self.calls_of(name)) >= count, timeout)
        except AssertionError:
            raise AssertionError(
                f"expected {count} successful {name} call(s) within {timeout} s, "
                f"got {len(self.calls_of(name))}; {self._describe_calls()}"
            ) from None
        return self.calls_of(name)

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        fault = _Fault(status, description, retry_after, times)
        self._faults.setdefault(self._canonical(method), deque()).append(fault)

    def chaos(
        self,
        rate: float,
        statuses: Iterable[int] = (500, 502, 429),
        *,
        seed: int | None = None,
        retry_after: int = 1,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Answer a random `rate` share of requests (of `methods`, default every method) with
        one of `statuses`, chosen at random, before the method runs (so it has no effect);
        a 429 carries `retry_after`. `rate=0` turns it off. Faults queued with `fail_next`
        come first. What was injected is counted in `chaos_answers`."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate is a share between 0 and 1")
        chosen = tuple(statuses)
        if rate and not chosen:
            raise ValueError("chaos needs at least one status")
        names = None if methods is None else frozenset(self._canonical(m) for m in methods)
        self._chaos = (
            _Chaos(rate, chosen, random.Random(seed), retry_after, names) if rate else None
        )

    def _chaos_fault(self, method: str) -> ApiError | None:
        chaos = self._chaos
        if chaos is None or (chaos.methods is not None and method not in chaos.methods):
            return None
        if chaos.rng.random() >= chaos.rate:
            return None
        status = chaos.rng.choice(chaos.statuses)
        self.chaos_answers[(method, status)] += 1
        if status == 429:
            return ApiError(
                429,
                f"Too Many Requests: retry after {chaos.retry_after}",
                {"retry_after": chaos.retry_after},
            )
        return ApiError(status, CHAOS_DESCRIPTIONS.get(status, "Injected error"))

    # ------------------------------------------------------------------ HTTP plumbing

    async def _dispatch(self, request: web.Request) -> web.Response:
        file_match = re.fullmatch(r"/file/bot([^/]+)/(.+)", request.path)
        if file_match:
            return self._serve_file(file_match.group(1), file_match.group(2))
        match = re.fullmatch(r"/bot([^/]*)/([^/]+)/?", request.path)
        if match is None:
            return _error_response(ApiError(404, "Not Found"))
        if match.group(1) != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        entry = self._handlers.get(match.group(2).lower())
        if entry is None:
            return _error_response(ApiError(404, "Not Found"))
        name, handler = entry

        call = Call(method=name, params={}, at=time.monotonic())
        try:
            call.params = await _read_params(request)
        except ApiError as exc:
            call.params = {}
            self.calls.append(call)
            return self._finish(call, exc)
        self.calls.append(call)

        faults = self._faults.get(name)
        if faults:
            fault = faults[0]
            fault.times -= 1
            if fault.times <= 0:
                faults.popleft()
            if fault.status == DROP:  # the connection goes away with no answer at all
                call.status = DROP
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=500)
            parameters = None if fault.retry_after is None else {"retry_after": fault.retry_after}
            return self._finish(call, ApiError(fault.status, fault.description, parameters))

        injected = self._chaos_fault(name)
        if injected is not None:
            return self._finish(call, injected)

        try:
            result = await handler(call.params)
        except ApiError as exc:
            return self._finish(call, exc)
        return self._finish(call, result)

    def _finish(self, call: Call, outcome: Any) -> web.Response:
        if isinstance(outcome, ApiError):
            response = _error_response(outcome)
            call.response = _error_body(outcome)
            call.status = outcome.status
            return response
        body = {"ok": True, "result": outcome}
        call.response = body
        call.status = 200
        return _json_response(200, body)

    def _serve_file(self, token: str, file_path: str) -> web.Response:
        if token != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        for upload in self._uploads.values():
            if upload.file_path == file_path:
                return web.Response(body=upload.data, content_type="application/octet-stream")
        return _error_response(ApiError(404, "Not Found"))

    # ------------------------------------------------------------------ methods

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates") in (True, "true", "True", 1):
            self._queue.clear()
        self.webhook = None
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        """As Telegram: updates then go to `url` (with the secret token in a header), each one
        again until it is answered 2xx; getUpdates is refused while a webhook is set."""
        url = params.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://127.0.0.1")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if "allowed_updates" in params and isinstance(params["allowed_updates"], list):
            self._allowed_updates = [str(a) for a in params["allowed_updates"]]
        self.webhook = {"url": url, "secret": params.get("secret_token")}
        if self._pusher is None or self._pusher.done():
            self._pusher = asyncio.get_running_loop().create_task(self._push_webhook())
        self._wake()
        return True

    async def _push_webhook(self) -> None:
        import aiohttp

        async with aiohttp.ClientSession() as session:
            while True:
                hook = self.webhook
                ready = self._deliverable(None, 100) if hook else []
                if not ready:
                    wakeup = self._wakeup
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wakeup.wait(), 0.2)
                    continue
                assert hook is not None
                for queued in ready:
                    headers = {}
                    if hook["secret"]:
                        headers["X-Telegram-Bot-Api-Secret-Token"] = str(hook["secret"])
                    try:
                        async with session.post(
                            hook["url"], json=queued.update, headers=headers, timeout=30
                        ) as answer:
                            status = answer.status
                    except (aiohttp.ClientError, TimeoutError, OSError):
                        status = 0
                    self.webhook_posts.append((queued.update["update_id"], status))
                    if 200 <= status < 300:
                        self._queue = [q for q in self._queue if q is not queued]
                    else:
                        await asyncio.sleep(0.2)  # Telegram tries again later
                        break

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = _optional_int(params, "offset")
        limit = min(max(_optional_int(params, "limit") or 100, 1), 100)
        timeout = max(_optional_float(params, "timeout") or 0.0, 0.0)
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            if not isinstance(allowed, list):
                raise bad_request("can't parse allowed updates")
            self._allowed_updates = [str(a) for a in allowed]
        self._confirm(offset)

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            ready = self._deliverable(offset, limit)
            remaining = deadline - loop.time()
            if ready or self._closing or remaining <= 0:
                break
            wakeup = self._wakeup
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), remaining)
        for queued in ready:
            queued.redeliver = False
        return [copy.deepcopy(q.update) for q in ready]

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        _check_formatting(text, params.get("parse_mode"))
        if _utf16_len(text) > MESSAGE_MAX_LENGTH:
            raise bad_request("message is too long")
        markup = _reply_markup(params)
        reply_to = self._reply_to(chat_id, params)
        self._check_limits(chat_id)
        message = self._bot_message(chat_id, markup, reply_to, params.get("message_thread_id"))
        message["text"] = text
        if isinstance(params.get("link_preview_options"), dict):
            message["link_preview_options"] = params["link_preview_options"]
        return self._record_sent(message)

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(params, "photo")

    async def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(params, "document")

    def _send_file(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        chat_id = self._target_chat(params)
        upload = self._upload(params.get(kind), kind)
        caption = params.get("caption")
        if caption is not None:
            caption = str(caption)
            _check_formatting(caption, params.get("parse_mode"))
            if _utf16_len(caption) > CAPTION_MAX_LENGTH:
                raise bad_request("message caption is too long")
        markup = _reply_markup(params)
        reply_to = self._reply_to(chat_id, params)
        self._check_limits(chat_id)
        message = self._bot_message(chat_id, markup, reply_to, params.get("message_thread_id"))
        file_info = {
            "file_id": upload.file_id,
            "file_unique_id": upload.file_unique_id,
            "file_size": len(upload.data),
        }
        if kind == "photo":
            # file_name is not part of PhotoSize; kept so tests can see what was uploaded
            message["photo"] = [
                {**file_info, "width": 320, "height": 320, "file_name": upload.file_name}
            ]
        else:
            message["document"] = {
                **file_info,
                "file_name": upload.file_name,
                "mime_type": upload.mime_type or "application/octet-stream",
            }
        if caption:
            message["caption"] = caption
        return self._record_sent(message)

    async def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        upload = self._uploads.get(str(params.get("file_id")))
        if upload is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": upload.file_id,
            "file_unique_id": upload.file_unique_id,
            "file_size": len(upload.data),
            "file_path": upload.file_path,
        }

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, stored = self._message_to_edit(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        _check_formatting(text, params.get("parse_mode"))
        if _utf16_len(text) > MESSAGE_MAX_LENGTH:
            raise bad_request("message is too long")
        if "text" not in stored:
            raise bad_request("there is no text in the message to edit")
        markup = _reply_markup(params)
        if text == stored.get("text") and markup == stored.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        self._check_limits(chat_id)
        stored["text"] = text
        stored["edit_date"] = int(time.time())
        _set_markup(stored, markup)
        return self._record_sent(stored)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        _, stored = self._message_to_edit(params)
        markup = _reply_markup(params)
        if markup == stored.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        stored["edit_date"] = int(time.time())
        _set_markup(stored, markup)
        return _for_response(stored)

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        """As Telegram: in a group, a bot deletes others' messages only as an administrator
        with can_delete_messages (the rights every fake administrator has)."""
        chat_id = self._target_chat(params, check_started=False)
        message_id = _optional_int(params, "message_id")
        message = self._messages.get((chat_id, message_id or 0))
        if message is None:
            raise bad_request("message to delete not found")
        own = message.get("from", {}).get("id") == self.bot_id
        if (
            chat_id in self.groups
            and not own
            and not self._admin_can(chat_id, "can_delete_messages")
        ):
            raise bad_request("message can't be deleted")
        del self._messages[(chat_id, message_id or 0)]
        self.deleted.append((chat_id, message_id or 0))
        return True

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._target_chat(params)
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._issued_callbacks or query_id in self.callback_answers:
            raise ApiError(400, QUERY_INVALID)
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = {
            k: v for k, v in params.items() if k != "callback_query_id"
        }
        return True

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
            raise bad_request("can't parse commands JSON object")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not COMMAND_NAME.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        scope, language = _commands_key(params)
        self.commands = [
            c
            for c in self.commands
            if (c.get("scope"), c.get("language_code")) != (scope, language)
        ]
        for command in cleaned:
            if scope is not None:
                command["scope"] = scope
            if language is not None:
                command["language_code"] = language
            self.commands.append(command)
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        scope, language = _commands_key(params)
        return [
            {"command": c["command"], "description": c["description"]}
            for c in self.commands
            if (c.get("scope"), c.get("language_code")) == (scope, language)
        ]

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        key = _commands_key(params)
        self.commands = [
            c for c in self.commands if (c.get("scope"), c.get("language_code")) != key
        ]
        return True

    async def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        info = {
            **self._chat_dict(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
        if chat_id in self.groups:
            info["permissions"] = {"can_send_messages": True}
        pinned = self.pinned(chat_id)
        if pinned:  # the most recent pinned message, by sending date
            info["pinned_message"] = _without_reply(self._messages[(chat_id, pinned[-1])])
        return info

    async def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        user_id = _optional_int(params, "user_id")
        if user_id is None:
            raise bad_request("invalid user_id specified")
        return self._member(chat_id, user_id)

    async def _restrict_chat_member(self, params: dict[str, Any]) -> bool:
        """The Bot API's rules: supergroups only, the bot an admin allowed to restrict, never an
        admin or the creator; True for every permission lifts the restriction."""
        chat_id = self._chat_id(params)
        user_id = _optional_int(params, "user_id")
        permissions = params.get("permissions")
        if user_id is None or not isinstance(permissions, dict):
            raise bad_request("invalid user_id or permissions specified")
        if chat_id not in self.groups or self.groups[chat_id].get("type") != "supergroup":
            raise bad_request("method is available only for supergroups")
        if not self._admin_can(chat_id, "can_restrict_members"):
            raise bad_request("not enough rights to restrict/unrestrict chat member")
        if user_id == self._creator[chat_id]:
            raise bad_request("can't remove chat owner")
        if user_id in self._admins[chat_id]:
            raise bad_request("user is an administrator of the chat")
        granted = {k: bool(v) for k, v in permissions.items() if k.startswith("can_")}
        if granted and all(granted.values()):
            self.restricted.pop((chat_id, user_id), None)
        else:
            self.restricted[(chat_id, user_id)] = granted
        return True

    async def _get_chat_administrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat_id = self._chat_id(params)
        if chat_id not in self.groups:
            raise bad_request("there are no administrators in the private chat")
        ids = [self._creator[chat_id], *self._admins[chat_id]]
        return [self._member(chat_id, uid) for uid in ids if uid is not None]

    async def _pin_chat_message(self, params: dict[str, Any]) -> bool:
        """As the Bot API: the message first ("message to pin not found"), then the rights: in
        a group the bot must be an administrator with can_pin_messages; in a private chat it
        may always pin. Pinning a pinned message is fine. The service message Telegram posts
        about a pin is not modelled; `disable_notification` only silences it, so it is unused."""
        chat_id = self._chat_id(params)
        message_id = _optional_int(params, "message_id")
        if (chat_id, message_id or 0) not in self._messages:
            raise bad_request("message to pin not found")
        self._check_pin_rights(chat_id)
        self._pins.setdefault(chat_id, set()).add(message_id or 0)
        return True

    async def _unpin_chat_message(self, params: dict[str, Any]) -> bool:
        """Without message_id, the most recent pinned message (by sending date) goes; with
        nothing to unpin, "message to unpin not found". Unpinning a message that is not
        pinned is fine."""
        chat_id = self._chat_id(params)
        message_id = _optional_int(params, "message_id")
        if message_id is None:
            pinned = self.pinned(chat_id)
            if not pinned:
                raise bad_request("message to unpin not found")
            message_id = pinned[-1]
        elif (chat_id, message_id) not in self._messages:
            raise bad_request("message to unpin not found")
        self._check_pin_rights(chat_id)
        self._pins.get(chat_id, set()).discard(message_id)
        return True

    def _check_pin_rights(self, chat_id: int) -> None:
        if chat_id in self.groups and not self._admin_can(chat_id, "can_pin_messages"):
            raise bad_request(NO_PIN_RIGHTS)

    # ------------------------------------------------------------------ helpers: world

    def _user(self, user_id: int) -> dict[str, Any]:
        user = self.users.get(user_id)
        if user is None:
            raise KeyError(f"unknown user {user_id}; call add_user() first")
        return user

    def _group(self, chat_id: int) -> dict[str, Any]:
        chat = self.groups.get(chat_id)
        if chat is None:
            raise KeyError(f"unknown group {chat_id}; call add_group() first")
        return chat

    def _chat_or_raise(self, chat_id: int) -> dict[str, Any]:
        if chat_id not in self.groups and chat_id not in self.users:
            raise KeyError(f"unknown chat {chat_id}; call add_group() first")
        return self._chat_dict(chat_id)

    def _chat_dict(self, chat_id: int) -> dict[str, Any]:
        if chat_id in self.groups:
            return copy.deepcopy(self.groups[chat_id])
        user = self.users.get(chat_id)
        if user is None:
            raise ApiError(400, CHAT_NOT_FOUND)
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            chat["username"] = user["username"]
        return chat

    def _user_dict(self, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_id:
            return dict(self.bot_user)
        if user_id in self.users:
            return copy.deepcopy(self.users[user_id])
        return {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        user = self._user_dict(user_id)
        if chat_id not in self.groups:
            status = "member" if user_id in (chat_id, self.bot_id) else "left"
            return {"status": status, "user": user}
        if user_id == self._creator[chat_id]:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in self._admins[chat_id]:
            rights = {**ADMIN_RIGHTS, **self._admin_rights.get((chat_id, user_id), {})}
            return {"status": "administrator", "user": user, **rights}
        if (chat_id, user_id) in self.restricted:
            granted = self.restricted[(chat_id, user_id)]
            return {
                "status": "restricted",
                "user": user,
                "is_member": user_id in self._members[chat_id],
                "until_date": 0,
                **{name: granted.get(name, False) for name in RESTRICTABLE},
            }
        if user_id in self._members[chat_id]:
            return {"status": "member", "user": user}
        return {"status": "left", "user": user}

    def _admin_can(self, chat_id: int, right: str, user_id: int | None = None) -> bool:
        """Whether the bot (or `user_id`) is an administrator of group `chat_id` with `right`
        (the creator has every right)."""
        user_id = self.bot_id if user_id is None else user_id
        if user_id == self._creator.get(chat_id):
            return True
        if user_id not in self._admins.get(chat_id, ()):
            return False
        return self._admin_rights.get((chat_id, user_id), {}).get(right, ADMIN_RIGHTS[right])

    def _new_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    # ------------------------------------------------------------------ helpers: updates

    def _enqueue(self, payload: dict[str, Any], update_id: int | None) -> dict[str, Any]:
        if update_id is None:
            update_id = self._next_update_id
        self._next_update_id = max(self._next_update_id, update_id + 1)
        update = {"update_id": update_id, **payload}
        self._queue.append(_Queued(update))
        self._wake()
        return copy.deepcopy(update)

    def _wake(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    def _confirm(self, offset: int | None) -> None:
        if offset is None or offset == 0:
            return
        if offset < 0:
            self._queue = sorted(self._queue, key=_update_id)[offset:]
            return
        self._queue = [q for q in self._queue if q.redeliver or q.update["update_id"] >= offset]

    def _deliverable(self, offset: int | None, limit: int) -> list[_Queued]:
        allowed = self._allowed_updates
        ready = []
        for queued in sorted(self._queue, key=_update_id):
            confirmed = offset is not None and offset > 0 and queued.update["update_id"] < offset
            if confirmed and not queued.redeliver:
                continue
            kind = next((k for k in queued.update if k != "update_id"), "")
            if allowed:
                if kind not in allowed:
                    continue
            elif kind in NOT_DELIVERED_BY_DEFAULT:
                continue
            ready.append(queued)
        return ready[:limit]

    # ------------------------------------------------------------------ helpers: sending

    def _chat_id(self, params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, bool) or not isinstance(chat_id, int):
            if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
                chat_id = int(chat_id)
            else:
                raise ApiError(400, CHAT_NOT_FOUND)
        if chat_id not in self.groups and chat_id not in self.users:
            raise ApiError(400, CHAT_NOT_FOUND)
        return chat_id

    def _target_chat(self, params: dict[str, Any], *, check_started: bool = True) -> int:
        chat_id = self._chat_id(params)
        if check_started and chat_id in self.users and not self._started.get(chat_id, False):
            raise ApiError(403, NOT_STARTED)
        return chat_id

    def _reply_to(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        allow_missing = bool(params.get("allow_sending_without_reply"))
        message_id = None
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
            if reply.get("chat_id") not in (None, chat_id):
                raise bad_request("replies to other chats are not supported by the fake")
        elif reply is not None:
            raise bad_request("can't parse reply parameters JSON object")
        elif params.get("reply_to_message_id") is not None:
            message_id = _optional_int(params, "reply_to_message_id")
        if message_id is None:
            return None
        original = self._messages.get((chat_id, int(message_id)))
        if original is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return _without_reply(original)

    def _bot_message(
        self,
        chat_id: int,
        markup: dict[str, Any] | None,
        reply_to: dict[str, Any] | None,
        thread: object = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "from": dict(self.bot_user),
            "date": int(time.time()),
            "chat": self._chat_dict(chat_id),
        }
        if thread is not None:  # as Telegram: a topic only in a forum group
            if not self._chat_dict(chat_id).get("is_forum"):
                raise bad_request("message thread not found")
            message["message_thread_id"] = int(str(thread))
            message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        _set_markup(message, markup)
        return message

    def _record_sent(self, message: dict[str, Any]) -> dict[str, Any]:
        self._messages[(message["chat"]["id"], message["message_id"])] = message
        self._note_send(message["chat"]["id"])
        self.sent.append(copy.deepcopy(message))
        return _for_response(message)

    def _message_to_edit(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if params.get("inline_message_id") is not None:
            raise bad_request("inline messages are not supported by the fake")
        chat_id = self._chat_id(params)
        message_id = _optional_int(params, "message_id")
        stored = self._messages.get((chat_id, message_id or 0))
        if stored is None:
            raise bad_request("message to edit not found")
        if stored.get("from", {}).get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        return chat_id, stored

    def _upload(self, value: Any, kind: str) -> _Upload:
        if isinstance(value, dict) and "data" in value:  # multipart file, see _read_params
            number = next(self._file_ids)
            ext = {"photo": "jpg"}.get(kind, "bin")
            upload = _Upload(
                data=value["data"],
                file_name=value.get("filename"),
                mime_type=value.get("content_type"),
                file_id=f"FAKE-{kind}-{number}",
                file_unique_id=f"U{kind[0]}{number}",
                file_path=f"{kind}s/file_{number}.{ext}",
            )
            self._uploads[upload.file_id] = upload
            return upload
        if isinstance(value, str) and value in self._uploads:
            return self._uploads[value]
        if isinstance(value, str) and re.match(r"https?://", value):
            number = next(self._file_ids)
            upload = _Upload(
                data=b"",
                file_name=value.rsplit("/", 1)[-1] or None,
                mime_type=None,
                file_id=f"FAKE-{kind}-{number}",
                file_unique_id=f"U{kind[0]}{number}",
                file_path=f"{kind}s/file_{number}",
            )
            self._uploads[upload.file_id] = upload
            return upload
        if value is None:
            raise bad_request(f"there is no {kind} in the request")
        raise bad_request("wrong file identifier/HTTP URL specified")

    # ------------------------------------------------------------------ helpers: limits

    def _check_limits(self, chat_id: int) -> None:
        if not self.enforce_limits:
            return
        now = time.monotonic() * self.speed
        waits = []
        recent_all = [t for t in self._sends_all if now - t < 1.0 - LIMIT_TOLERANCE]
        if len(recent_all) >= GLOBAL_PER_SECOND:
            waits.append(recent_all[-GLOBAL_PER_SECOND] + 1.0 - now)
        chat_sends = self._sends_by_chat.get(chat_id, deque())
        if chat_sends and now - chat_sends[-1] < 1.0 - LIMIT_TOLERANCE:
            waits.append(chat_sends[-1] + 1.0 - now)
        if chat_id < 0:
            recent_chat = [t for t in chat_sends if now - t < 60.0 - LIMIT_TOLERANCE]
            if len(recent_chat) >= GROUP_PER_MINUTE:
                waits.append(recent_chat[-GROUP_PER_MINUTE] + 60.0 - now)
        if waits:
            self.rejected_for_limits += 1
            retry_after = max(1, math.ceil(max(waits)))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )

    def _note_send(self, chat_id: int) -> None:
        now = time.monotonic() * self.speed
        self._sends_all.append(now)
        while self._sends_all and now - self._sends_all[0] > 1.0:
            self._sends_all.popleft()
        chat_sends = self._sends_by_chat.setdefault(chat_id, deque())
        chat_sends.append(now)
        while chat_sends and now - chat_sends[0] > 60.0:
            chat_sends.popleft()

    # ------------------------------------------------------------------ helpers: misc

    def _canonical(self, method: str) -> str:
        entry = self._handlers.get(method.lower())
        return entry[0] if entry else method

    def _describe_calls(self) -> str:
        interesting = [c for c in self.calls if c.method != "getUpdates" or c.result]
        polls = len(self.calls) - len(interesting)
        if not interesting:
            return f"no calls (besides {polls} empty getUpdates)"
        lines = [f"last calls (besides {polls} empty getUpdates):"]
        for c in interesting[-10:]:
            params = json.dumps(c.params, ensure_ascii=False, default=str)
            if len(params) > 300:
                params = params[:297] + "..."
            outcome = "" if c.ok else f" -> {(c.response or {}).get('description', 'pending')}"
            lines.append(f"  {c.method} [{c.status}] {params}{outcome}")
        return "\n".join(lines)


# ---------------------------------------------------------------------- request parsing


async def _read_params(request: web.Request) -> dict[str, Any]:
    raw: dict[str, Any] = dict(request.query)
    content_type = request.content_type
    if request.method == "POST" and request.can_read_body:
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON body") from None
            if not isinstance(body, dict):
                raise bad_request("JSON body must be an object")
            raw.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    raw[key] = {
                        "filename": value.filename,
                        "content_type": value.content_type,
                        "size": len(data),
                        "data": data,
                    }
                elif isinstance(value, bytes | bytearray):
                    raw[key] = bytes(value).decode("utf-8", "replace")
                else:
                    raw[key] = value
        else:
            await request.read()
    params = {key: _decode(key, value) for key, value in raw.items()}
    # PTB attaches files as attach://<name> for media groups; resolve those references
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.get(value.removeprefix("attach://"), value)
    return params


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in STRING_PARAMS:
        return value
    text = value.strip()
    if text[:1] in ("{", "[") or text in ("true", "false", "null"):
        try:
            return json.loads(text)
        except ValueError:
            raise bad_request(f"can't parse {key} JSON object") from None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d*", text):
        return float(text)
    return value


def _optional_int(params: dict[str, Any], key: str) -> int | None:
    value = params.get(key)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {key} specified") from None


def _optional_float(params: dict[str, Any], key: str) -> float | None:
    value = params.get(key)
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {key} specified") from None


def _commands_key(params: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    scope = params.get("scope")
    if scope is not None and not isinstance(scope, dict):
        raise bad_request("can't parse BotCommandScope JSON object")
    if scope == {"type": "default"}:
        scope = None
    language = params.get("language_code") or None
    return scope, language


def _reply_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse inline keyboard button: field must be an Array")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad_request(
                        "can't parse inline keyboard button: Text buttons are unallowed"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_MAX_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
    return markup


def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup


def _for_response(message: dict[str, Any]) -> dict[str, Any]:
    """The Message as Telegram returns it: only inline keyboards come back as reply_markup."""
    result = copy.deepcopy(message)
    markup = result.get("reply_markup")
    if markup is not None and "inline_keyboard" not in markup:
        del result["reply_markup"]
    return result


def _without_reply(message: dict[str, Any], *, keep_reply: bool = False) -> dict[str, Any]:
    result = _for_response(message)
    if not keep_reply:
        result.pop("reply_to_message", None)
    return result


def _update_id(queued: _Queued) -> int:
    return queued.update["update_id"]


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _json_response(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )


def _error_body(error: ApiError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.parameters:
        body["parameters"] = error.parameters
    return body


def _error_response(error: ApiError) -> web.Response:
    return _json_response(error.status, _error_body(error))


# ---------------------------------------------------------------------- formatting checks

MARKDOWN_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
MARKDOWN_V2_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "[": "TextUrl",
    "![": "CustomEmoji",
}
HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "tg-emoji",
        "blockquote",
    }
)
HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?>")


def _check_formatting(text: str, parse_mode: Any) -> None:
    if parse_mode is None or parse_mode == "":
        return
    mode = str(parse_mode).lower()
    if mode == "markdownv2":
        _check_markdown_v2(text)
    elif mode == "html":
        _check_html(text)
    elif mode == "markdown":
        _check_markdown(text)
    else:
        raise bad_request("unsupported parse_mode")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _find_unescaped(text: str, token: str, start: int) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(token, i):
            return i
        i += 1
    return -1


def _check_markdown_v2(text: str) -> None:
    """Telegram's MarkdownV2 rules: formatting markers must pair up, and every other
    occurrence of _*[]()~`>#+-=|{}.! must be escaped with a backslash."""
    stack: list[tuple[str, int]] = []
    i = 0
    while i < len(text):
        c = text[i]
        line_start = i == 0 or text[i - 1] == "\n"
        if c == "\\":
            if i + 1 >= len(text):
                raise parse_error(f"Unexpected end of text at byte offset {_byte_offset(text, i)}")
            i += 2
            continue
        if c == "`":
            token, name = ("```", "Pre") if text.startswith("```", i) else ("`", "Code")
            end = _find_unescaped(text, token, i + len(token))
            if end < 0:
                offset = _byte_offset(text, i)
                raise parse_error(f"Can't find end of {name} entity at byte offset {offset}")
            i = end + len(token)
            continue
        if line_start and text.startswith("**>", i):  # expandable block quotation
            i += 3
            continue
        if line_start and c == ">":  # block quotation
            i += 1
            continue
        if c in "*_~" or text.startswith("||", i):
            if text.startswith("||", i):
                token = "||"
            elif text.startswith("__", i) and not (stack and stack[-1][0] == "_"):
                token = "__"
            else:
                token = c
            open_tokens = [t for t, _ in stack]
            if token in open_tokens:
                del stack[len(open_tokens) - 1 - open_tokens[::-1].index(token)]
            else:
                stack.append((token, i))
            i += len(token)
            continue
        if c == "!" and text.startswith("![", i):
            stack.append(("![", i))
            i += 2
            continue
        if c == "[":
            stack.append(("[", i))
            i += 1
            continue
        if c == "]" and stack and stack[-1][0] in ("[", "!["):
            stack.pop()
            if text.startswith("(", i + 1):
                end = _find_unescaped(text, ")", i + 2)
                if end < 0:
                    offset = _byte_offset(text, i + 1)
                    raise parse_error(f"Can't find end of a URL at byte offset {offset}")
                i = end + 1
            else:
                i += 1
            continue
        if c in MARKDOWN_V2_RESERVED:
            raise parse_error(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        i += 1
    if stack:
        token, index = stack[-1]
        name = MARKDOWN_V2_NAMES.get(token, token)
        raise parse_error(
            f"Can't find end of {name} entity at byte offset {_byte_offset(text, index)}"
        )


def _check_markdown(text: str) -> None:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre``` and [text](url) must be closed."""
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in "_*`[":
            i += 2
            continue
        if c in "*_`[":
            token = "```" if text.startswith("```", i) else c
            closing = "]" if token == "[" else token
            end = text.find(closing, i + len(token))
            if end < 0:
                offset = _byte_offset(text, i)
                raise parse_error(f"Can't find end of the entity starting at byte offset {offset}")
            i = end + len(closing)
            if token == "[" and text.startswith("(", i):
                url_end = text.find(")", i)
                if url_end < 0:
                    offset = _byte_offset(text, i)
                    raise parse_error(f"Can't find end of a URL at byte offset {offset}")
                i = url_end + 1
            continue
        i += 1


def _check_html(text: str) -> None:
    """Telegram's HTML: only its known tags, properly nested; a bare '<' is an error."""
    stack: list[str] = []
    i = 0
    while True:
        i = text.find("<", i)
        if i < 0:
            break
        match = HTML_TAG.match(text, i)
        offset = _byte_offset(text, i)
        if match is None:
            word = re.match(r"</?([^\s<>]*)", text[i:])
            name = word.group(1) if word else ""
            raise parse_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name not in HTML_TAGS:
            kind = "end" if closing else "start"
            raise parse_error(f'Unsupported {kind} tag "{name}" at byte offset {offset}')
        if closing:
            if not stack:
                raise parse_error(f"Unexpected end tag at byte offset {offset}")
            if stack[-1] != name:
                raise parse_error(
                    f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1]}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
        else:
            stack.append(name)
        i = match.end()
    if stack:
        raise parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
