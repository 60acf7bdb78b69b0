"""The Telegram adapter: updates in, replies out, private replies only ever in direct chats.

A private reply asked for in a group goes to the member's direct chat. When Telegram refuses
(the member never pressed Start), the group gets one neutral line with a deep link and the
replies wait in memory for an hour; `/start c-<command>` delivers them.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from aiohttp import web
from cachetools import TTLCache
from telegram import (
    BotCommand,
    Chat,
    ChatPermissions,
    InputFile,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatID
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from adapters.base import AdapterFailure, settled
from adapters.telegram import translate as tr
from adapters.telegram.health import PollHealth
from adapters.telegram.leads import LeadCache
from adapters.telegram.limits import LEDGER_WINDOW, Bulk, FloodLimiter, seconds
from adapters.text import chunks, utf16_units
from bot import i18n
from bot.app import App
from bot.core.messages import Actor, Change, Place, Priority, Reply, Request, Via, private
from bot.delivery.errors import Rejected, SendError, Transient, Unreachable
from bot.delivery.outbox import Attempt
from bot.delivery.retry import retrying
from bot.settings import TelegramSection

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query", "chat_member"]
PENDING_SECONDS = 3600.0
WATCH_EVERY = 1.0  # seconds between the watchdog's looks
PEERS_EVERY = 5  # watchdog looks between two counts of the processes sharing the bot
POLL_STALL = 300.0  # seconds past the long poll with no answer before polling counts as stopped
WELCOME_DEDUPE_SECONDS = 120.0
BOOTSTRAP_RETRIES = 4  # deleteWebhook at start: python-telegram-bot tries it once by default
# The adapter's own notes to a member, shown in their language (TelegramAdapter._language).
ANONYMOUS = i18n.N_(
    "You're posting as the group (anonymous admin), so I can't tell who you are or keep "
    'anything private for you. Please turn off "Remain anonymous" for a moment, or message '
    "me directly."
)
NO_DM = i18n.N_(
    "{name}, I have a private reply for you, and I only send those in a direct chat. Tap to "
    "open one (it stays between us): {link}"
)
SENT_PRIVATELY = i18n.N_("Sent to you privately.")
STILL_VISIBLE = i18n.N_(
    "Your message in {group} is still visible to everyone there: I'm not allowed to remove "
    "messages in that group. Next time, send it to me here in our direct chat and it stays "
    "between us."
)
STILL_VISIBLE_UNNAMED = i18n.N_(
    "Your message in the group is still visible to everyone there: I'm not allowed to remove "
    "messages in that group. Next time, send it to me here in our direct chat and it stays "
    "between us."
)


@dataclass
class Pending:
    expires: float
    replies: list[Reply]


class TelegramAdapter:
    platform = tr.PLATFORM

    def __init__(
        self,
        app: App,
        settings: TelegramSection,
        *,
        poll_timeout: float = 10.0,
        limiter: FloodLimiter | None = None,
    ) -> None:
        if settings.token is None:
            raise ValueError("telegram.token is not set")
        self.app = app
        self.settings = settings
        self._webhook: web.AppRunner | None = None
        self.poll_timeout = poll_timeout
        self.limiter = limiter or FloodLimiter()
        self.polling = PollHealth()
        self.failure: str | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self.ptb: Application = (
            ApplicationBuilder()
            .token(settings.token.get_secret_value())
            .base_url(settings.base_url)
            .base_file_url(settings.base_file_url)
            .rate_limiter(self.limiter)
            .get_updates_request(self.polling)
            .concurrent_updates(32)
            .job_queue(None)  # timed work runs in our scheduler, from our tables
            .build()
        )
        self.leads = LeadCache()
        self.username = ""
        self._pending: dict[str, Pending] = {}
        # One join seen as a message and as a chat_member update is welcomed once.
        self._welcomed: TTLCache[tuple[int, int], bool] = TTLCache(10_000, WELCOME_DEDUPE_SECONDS)
        self._stopped = asyncio.Event()
        self._add_handlers()

    # -- life cycle -------------------------------------------------------------------
    def _add_handlers(self) -> None:
        names = sorted({n for c in self.app.registry for n in (c.name, *c.aliases)})
        new_messages = filters.UpdateType.MESSAGE
        self.ptb.add_handler(TypeHandler(Update, self._dedupe), group=-1)
        self.ptb.add_handler(CommandHandler(names, self._on_command, filters=new_messages))
        self.ptb.add_handler(MessageHandler(filters.COMMAND & new_messages, self._on_unknown))
        self.ptb.add_handler(CallbackQueryHandler(self._on_button))
        self.ptb.add_handler(
            MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, self._on_new_members)
        )
        self.ptb.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self._on_migrate))
        self.ptb.add_handler(ChatMemberHandler(self._on_chat_member, ChatMemberHandler.CHAT_MEMBER))
        self.ptb.add_handler(
            MessageHandler(filters.TEXT & ~filters.COMMAND & new_messages, self._on_text)
        )
        self.ptb.add_error_handler(self._on_error)

    async def start(self) -> None:
        """Every start-up call is tried again on 5xx, 429 and dropped connections (one bad
        answer must not stop the bot, and with it every other platform); a rejected token, or
        a Bot API still failing after the retries, ends the start with one line."""
        try:
            await self._call(self.ptb.initialize)  # getMe
            self.username = self.ptb.bot.username or ""
            await self._call(self.publish_commands)
            await self.ptb.start()
            if self.settings.webhook_url:
                await self._serve_webhook()
            else:
                assert self.ptb.updater is not None
                await self.ptb.updater.start_polling(
                    timeout=self.poll_timeout,
                    allowed_updates=ALLOWED_UPDATES,
                    bootstrap_retries=BOOTSTRAP_RETRIES,  # deleteWebhook, tried again on errors
                )
        except InvalidToken:
            raise AdapterFailure("telegram: the token was rejected (401 Unauthorized)") from None
        except NetworkError as error:
            raise AdapterFailure(f"telegram: cannot reach the Bot API ({error})") from None
        self._watchdog = asyncio.create_task(self._watch())
        log.info("Telegram adapter running as @%s", self.username)

    async def _watch(self) -> None:
        """Never deaf but alive: a rejected token at any time, or polling that has stopped
        getting answers, ends the adapter with the cause, so `haven run` exits non-zero and a
        service manager restarts it (or a maintainer sees why)."""
        stall = self.poll_timeout + POLL_STALL
        ticks = 0
        while not self._stopped.is_set():
            await asyncio.sleep(WATCH_EVERY)
            ticks += 1
            if ticks % PEERS_EVERY == 1:
                await self._count_peers()
            fatal = self.polling.fatal or self.limiter.fatal
            if fatal is not None:
                self.failure = f"telegram: {fatal}"
            elif self._webhook is not None:
                pass  # Telegram posts updates: there is no poll to stall
            elif self.polling.clock() - self.polling.last_answer > stall:
                self.failure = (
                    f"telegram: polling stopped (no getUpdates answered for {stall:.0f} s)"
                )
            if self.failure is not None:
                self._stopped.set()

    async def _count_peers(self) -> None:
        """Processes sending for this bot share Telegram's limits (bot/storage/postgres.py
        peers): each keeps to its share, so together they stay under them."""
        if self.limiter.ledger is None:
            app = self.app
            self.limiter.ledger = lambda cap: app.flood_wait("telegram", cap, LEDGER_WINDOW)
        try:
            self.limiter.share = await self.app.peers()
        except Exception as error:  # the database away: keep the last share
            log.warning("could not count the processes sharing the bot: %s", error)

    async def publish_commands(self) -> None:
        """setMyCommands from the registry: the menu members see is the registry. The English
        menu is every client's default; each other language Haven speaks gets its own menu,
        which Telegram shows to members whose app is set to that language (the same commands,
        described in it)."""
        for language in i18n.OFFERED:
            with i18n.use(language):
                commands = [BotCommand(c.name, i18n._(c.description)) for c in self.app.registry]
            code = None if language == i18n.SOURCE else tr.language_code(language)
            await self.ptb.bot.set_my_commands(commands, language_code=code)

    async def _serve_webhook(self) -> None:
        """Webhook mode: serve Telegram's posts on `webhook_listen` (behind the maintainer's
        proxy or load balancer, which may spread them over several processes), then tell
        Telegram where to post. Every process sets the same webhook, so any one may start
        first; an update posted twice (a retry, another process) is handled once, by the
        ledger in the database. Only a post carrying the secret is taken."""
        settings = self.settings
        assert settings.webhook_url is not None and settings.webhook_secret is not None
        secret = settings.webhook_secret.get_secret_value()
        host, _, port = settings.webhook_listen.rpartition(":")
        path = urlsplit(settings.webhook_url).path or "/"
        server = web.Application(client_max_size=4 * 1024 * 1024)
        server.router.add_post(path, self._on_webhook)
        runner = web.AppRunner(server, access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        await web.TCPSite(runner, host, int(port)).start()
        self._webhook = runner
        await self._call(
            lambda: self.ptb.bot.set_webhook(
                settings.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
            )
        )

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """One update from Telegram, handled before answering: a 2xx tells Telegram it is
        done; anything else and Telegram posts it again."""
        assert self.settings.webhook_secret is not None
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given, self.settings.webhook_secret.get_secret_value()):
            return web.Response(status=403)
        try:
            data = await request.json()
            update = Update.de_json(data, self.ptb.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        if update is None:
            return web.Response(status=400)
        await self.ptb.process_update(update)
        return web.Response(status=200)

    async def stop(self) -> None:
        if self._watchdog is not None and self._watchdog is not asyncio.current_task():
            self._watchdog.cancel()
        if self._webhook is not None:  # the webhook stays set: other processes still serve it
            await self._webhook.cleanup()
            self._webhook = None
        steps = []
        if self.ptb.updater is not None and self.ptb.updater.running:
            steps.append(self.ptb.updater.stop)
        if self.ptb.running:
            steps.append(self.ptb.stop)
        steps.append(self.ptb.shutdown)
        for step in steps:  # each step runs, even when the one before failed (a revoked token)
            try:
                await step()
            except (TelegramError, RuntimeError) as error:
                log.warning("stopping Telegram: %s", error)
        self._stopped.set()

    async def wait(self) -> None:
        await self._stopped.wait()

    # -- incoming ---------------------------------------------------------------------
    async def _dedupe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not await self.app.first_delivery(self.platform, str(update.update_id)):
            log.info("update %s was delivered again; already handled", update.update_id)
            raise ApplicationHandlerStop

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        if message is None or user is None or chat is None:
            return
        if self._anonymous(message):
            with i18n.use(self._language(getattr(user, "language_code", None))):
                said = i18n._(ANONYMOUS)
            await self._send(chat.id, Reply(said))
            return
        name, text = tr.command_text(message)
        bare = name == "start" and chat.type == Chat.PRIVATE and not text.strip()
        if bare and await self._resume(user.id):  # an anonymous act's answer that waited
            return
        if name == "start" and chat.type == Chat.PRIVATE and text.startswith("c-"):
            if await self._resume(user.id):
                return
            wanted = text[2:]  # nothing waited (expired, or a restart): run that command afresh
            name, text = (wanted, "") if self.app.registry.get(wanted) else ("start", "")
        request = await self._request(name, text, Via.COMMAND, message, user, chat)
        await self._answer(request, await self.app.handle(request))
        if chat.type != Chat.PRIVATE and self._private_line(name, text, request):
            await self._withdraw(request, message)

    def _private_line(self, name: str, text: str, request: Request) -> bool:
        """Whether a command line left in a group would show something of the member's own:
        its words (`/checkin 2 anxious`), or, typed as a reply, the act itself (a bare
        `/report` on a message shows the group who reported it)."""
        if self.app.registry.private_input(name, text):
            return True
        command = self.app.registry.get(name)
        return request.quoted is not None and command is not None and command.private_input

    async def _withdraw(self, request: Request, message: Message) -> None:
        """A member's private data typed in a group (`/checkin 2 anxious ...`): removed when
        Haven may delete messages there; otherwise the member is told, privately, that it is
        still visible and how to keep the next one private."""
        try:
            await self._call(lambda: message.delete())
            return
        except TelegramError as error:
            log.info("could not remove a private command from a group: %s", error)
        with i18n.use(self._language(request.locale, request.actor)):
            if message.chat.title:
                said = i18n._(STILL_VISIBLE).format(group=message.chat.title)
            else:
                said = i18n._(STILL_VISIBLE_UNNAMED)
        await self._answer(request, [private(said)])

    async def _on_unknown(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Unknown commands are answered in direct chats, or in groups when addressed to us; a
        command addressed to another bot is never ours, wherever it is typed."""
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        if message is None or user is None or chat is None or not message.text:
            return
        first = message.text.split(maxsplit=1)[0]
        _, at, addressee = first.partition("@")
        if at and addressee.casefold() != self.username.casefold():
            return  # /checkin@OtherBot is for another bot, in a group or a direct chat alike
        if chat.type != Chat.PRIVATE and not at:
            return
        name, text = tr.command_text(message)
        request = await self._request(name, text, Via.COMMAND, message, user, chat)
        await self._answer(request, await self.app.handle(request))

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Plain text in a direct chat, or in a group when it mentions or replies to the bot."""
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        if message is None or user is None or chat is None or not message.text:
            return
        if chat.type != Chat.PRIVATE and not self._addressed(message):
            return
        text = (
            message.text.replace("@" + self.username, "").strip() if self.username else message.text
        )
        request = await self._request("", text, Via.TEXT, message, user, chat)
        await self._answer(request, await self.app.handle(request))

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        action = tr.action_of(query)
        message = query.message if isinstance(query.message, Message) else None
        if action is None or message is None:
            await self._call(query.answer)
            return
        name, _, text = action.partition(" ")
        request = await self._request(
            name, text, Via.BUTTON, message, query.from_user, message.chat
        )
        request = Request(
            request.command,
            request.text,
            request.actor,
            request.place,
            request.at,
            Via.BUTTON,
            request.is_lead,
            handle=query,
            locale=request.locale,
        )
        outcome = await self._answer(request, await self.app.handle(request))
        try:
            if outcome == "no-dm":
                await self._call(lambda: query.answer(url=self._deep_link(name)))
            elif outcome == "dm" and message.chat.type != Chat.PRIVATE:
                with i18n.use(self._language(request.locale, request.actor)):
                    sent = i18n._(SENT_PRIVATELY)
                await self._call(lambda: query.answer(sent))
            else:
                await self._call(query.answer)
        except TelegramError:
            log.warning("could not answer a button press", exc_info=True)

    async def _on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup: Telegram sends `migrate_to_chat_id` in the old chat and
        `migrate_from_chat_id` in the new one; either moves the group's data (the second finds
        nothing left to move)."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            old, new = message.chat.id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id:
            old, new = message.migrate_from_chat_id, message.chat.id
        else:
            return
        await self.app.chat_moved(self.platform, str(old), str(new))

    async def _on_new_members(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        for user in message.new_chat_members:
            await self._welcome(chat, user)

    async def _on_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.chat_member
        if change is None:
            return
        was = change.old_chat_member.status
        now = change.new_chat_member.status
        if was in {"left", "kicked"} and now in {"member", "restricted"}:
            await self._welcome(change.chat, change.new_chat_member.user)

    async def _welcome(self, chat: Chat, user: object) -> None:
        from telegram import User

        if not isinstance(user, User) or user.is_bot:
            return
        key = (chat.id, user.id)
        if key in self._welcomed:
            return  # the same join can arrive as a message and as a chat_member update
        self._welcomed[key] = True
        replies = await self.app.member_joined(tr.actor(user), tr.place(chat))
        await self.deliver(replies)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling a Telegram update", exc_info=context.error)

    # -- helpers ------------------------------------------------------------------------
    async def _request(self, name, text, via, message, user, chat) -> Request:  # type: ignore[no-untyped-def]
        lead = False
        if chat.type != Chat.PRIVATE:
            lead = await self.leads.is_lead(self.ptb.bot, chat.id, user.id)
        return Request(
            name,
            text,
            tr.actor(user),
            tr.place(chat, message),
            tr.when(message),
            via,
            is_lead=lead,
            handle=message,
            locale=getattr(user, "language_code", None),
            quoted=tr.quoted(message) if via is Via.COMMAND else None,
        )

    def _language(self, reported: str | None, actor: Actor | None = None) -> str | None:
        """The language of the adapter's own notes (the core's replies come in theirs): the
        member's own choice as Haven last read it, else what their app reports, else the
        deployment's. Never a database read on the way to an answer, so a crisis reply waits
        for nothing."""
        chosen = self.app.services.people.chosen_language(actor) if actor is not None else None
        deployment = self.app.services.settings.bot.language
        return chosen or i18n.supported(reported) or i18n.supported(deployment)

    def _anonymous(self, message: Message) -> bool:
        user = message.from_user
        return bool(
            (user is not None and user.id == ChatID.ANONYMOUS_ADMIN)
            or (message.sender_chat is not None and message.sender_chat.id == message.chat.id)
        )

    def _addressed(self, message: Message) -> bool:
        text = (message.text or "").casefold()
        if self.username and "@" + self.username.casefold() in text:
            return True
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.id == self.ptb.bot.id)

    def _deep_link(self, command: str) -> str:
        return f"https://t.me/{self.username}?start=c-{command}"

    async def _resume(self, user_id: int) -> bool:
        """`/start c-<command>` from a deep link (or a bare /start, after an anonymous act that
        could not be answered privately): deliver the replies that waited, if any."""
        pending = self._pending.pop(str(user_id), None)
        if pending is not None and pending.expires > time.monotonic():
            for reply in pending.replies:
                await self._send(user_id, reply)
            return True
        return False

    # -- outgoing -----------------------------------------------------------------------
    async def _answer(self, request: Request, replies: list[Reply]) -> str:
        """Send a request's replies; returns "dm", "no-dm" or "" for how private ones went."""
        outcome = ""
        replies = sorted(replies, key=lambda r: r.priority is not Priority.CRISIS)
        held: list[Reply] = []
        for reply in replies:
            reply = await self._make_access(reply)
            if reply.to is not None or reply.replaces is not None:
                await self.deliver([reply])
                continue
            direct = not reply.private or request.place.is_direct
            chat = request.place.chat_id if direct else request.actor.user_id
            thread = request.place.thread_id if direct else None  # the topic it was asked in
            try:  # a private reply asked for in a group: the member's direct chat or nowhere
                await self._send(chat, reply, thread=thread)
                outcome = outcome if direct else "dm"
            except Forbidden:
                if direct:
                    log.warning("Telegram refused an answer in chat %s", chat)
                else:
                    held.append(reply)
            except TelegramError as error:  # still failing after its retries
                await self._unanswered(request, reply, error)
        if held:
            self._pending[request.actor.user_id] = Pending(time.monotonic() + PENDING_SECONDS, held)
            command = self.app.registry.get(request.command)
            if command is not None and command.anonymous:
                # A share, a report: a line in the group would tie the member to it. The
                # answer waits for their next /start with Haven instead.
                log.info("a private answer to an anonymous act waits for a direct chat")
            elif request.via is not Via.BUTTON:
                link = self._deep_link(request.command or "start")
                with i18n.use(self._language(request.locale, request.actor)):
                    said = i18n._(NO_DM).format(name=request.actor.name, link=link)
                await self._send(request.place.chat_id, Reply(said), thread=request.place.thread_id)
            outcome = "no-dm"
        return outcome

    async def _unanswered(self, request: Request, reply: Reply, error: Exception) -> None:
        """An answer that failed after its retries. A crisis reply goes to the durable outbox,
        ahead of everything queued, to the member's direct chat (or the chat it was asked in,
        when that is public talk); anything else is logged, so no answer is lost unaccounted."""
        if reply.priority is Priority.CRISIS:
            to: Actor | Place = (
                request.place
                if not reply.private and not request.place.is_direct
                else request.actor
            )
            key = f"crisis:{self.platform}:{request.actor.user_id}:{time.time_ns()}"
            await self.app.deliver([replace(reply, to=to, idempotency_key=key)])
            log.warning("a crisis reply failed live (%s); queued in the outbox", error)
            return
        log.error("an answer to a member was lost after its retries: %s", error)

    async def deliver(self, replies: list[Reply]) -> None:
        """Live posts that name their target (a welcome): sent now, not through the outbox."""
        for reply in sorted(replies, key=lambda r: r.priority is not Priority.CRISIS):
            reply = await self._make_access(reply)
            try:
                await self.send(reply, bulk=False)
            except SendError as error:
                log.warning("could not deliver a reply: %s", error)

    async def send(
        self, reply: Reply, *, bulk: bool = True, attempt: Attempt | None = None
    ) -> None:
        """One outbox message (bulk priority), with Telegram's errors in the outbox's terms."""
        if reply.replaces is not None:
            await self._replace(reply, bulk=bulk, attempt=attempt)
            return
        target = reply.to
        thread = None
        if isinstance(target, Actor):
            chat_id = target.user_id
        elif isinstance(target, Place) and (target.is_direct or not reply.private):
            chat_id, thread = target.chat_id, target.thread_id
        else:
            raise Rejected("a private reply cannot be posted in a group")
        try:
            sent = await self._send(chat_id, reply, bulk=bulk, attempt=attempt, thread=thread)
        except Forbidden as error:
            raise Unreachable(str(error)) from error
        except (RetryAfter, NetworkError) as error:  # TimedOut and 5xx are NetworkErrors
            raise Transient(str(error)) from error
        except TelegramError as error:
            raise Rejected(str(error)) from error
        if sent is not None:
            await self._kept(reply, sent)

    async def _kept(self, reply: Reply, sent: Message) -> None:
        """After a post is sent: remember where it went (to change it in place later) and pin
        it when asked. Neither may fail the send: the post is out, and sending it again would
        show it twice; what could not be done is logged."""
        chat_id = str(sent.chat_id)
        if reply.keep is not None:
            try:
                now = self.app.services.clock.now()
                await self.app.posts.keep(self.platform, reply.keep, chat_id, str(sent.id), now)
            except Exception as error:  # the database away: the post stays as posted
                log.warning("could not keep where a post went (%s): %s", reply.keep, error)
        if reply.pin:
            try:
                await self._call(
                    lambda: self.ptb.bot.pin_chat_message(
                        sent.chat_id, sent.id, disable_notification=True
                    )
                )
            except TelegramError as error:
                log.warning("could not pin a post in chat %s: %s", chat_id, error)

    async def _replace(self, reply: Reply, *, bulk: bool, attempt: Attempt | None) -> None:
        """Change a kept post in place (its text and buttons). A post never kept here, deleted
        since, or already showing this is left as it is."""
        assert reply.replaces is not None
        kept = await self.app.posts.find(self.platform, reply.replaces)
        if kept is None:
            return
        if attempt is not None:
            await attempt()
        call = self._call if not bulk else _once
        text = tr.defang(reply.text)[: tr.MAX_TEXT]
        try:
            await call(
                lambda: self.ptb.bot.edit_message_text(
                    text,
                    chat_id=kept.chat_id,
                    message_id=int(kept.message_id),
                    reply_markup=tr.keyboard(reply),
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    rate_limit_args=Bulk(attempt) if bulk else None,
                )
            )
        except BadRequest as error:
            said = str(error).casefold()
            if "not modified" in said:
                return
            if "not found" in said:
                await self.app.posts.forget(self.platform, reply.replaces)
                return
            raise Rejected(str(error)) from error
        except Forbidden as error:
            raise Unreachable(str(error)) from error
        except (RetryAfter, NetworkError) as error:
            raise Transient(str(error)) from error
        except TelegramError as error:
            raise Rejected(str(error)) from error

    async def _send(
        self,
        chat_id: int | str,
        reply: Reply,
        *,
        bulk: bool = False,
        attempt: Attempt | None = None,
        thread: str | None = None,
    ) -> Message | None:
        """Telegram says "chat not found" (400) to a member who never opened a chat with the
        bot; for text, a photo or a file alike that is a refused direct chat, as a 403 is.
        `thread`: the forum topic to post in."""
        try:
            return await self._send_now(chat_id, reply, bulk=bulk, attempt=attempt, thread=thread)
        except BadRequest as error:
            if "chat not found" in str(error).casefold():
                raise Forbidden(str(error)) from error
            raise

    async def _send_now(
        self,
        chat_id: int | str,
        reply: Reply,
        *,
        bulk: bool,
        attempt: Attempt | None = None,
        thread: str | None = None,
    ) -> Message | None:
        """Returns the message that carries the buttons (the one a kept post names)."""
        bot = self.ptb.bot
        topic = int(thread) if thread else None
        limit_args = Bulk(attempt) if bulk else None
        markup = tr.keyboard(reply)
        a = reply.attachment
        text = tr.defang(reply.text)
        # A live answer is tried again call by call (so a part already shown is never sent
        # twice); the outbox (bulk) has its own retries with backoff.
        call = self._call if not bulk else _once
        if a is not None and a.mime.startswith("image/") and utf16_units(text) <= tr.MAX_CAPTION:
            # A picture with its text alternative as the caption: one message, read together.
            photo = await call(
                lambda: bot.send_photo(
                    chat_id,
                    InputFile(a.data, filename=a.name),
                    caption=text,
                    reply_markup=markup,
                    message_thread_id=topic,
                    rate_limit_args=limit_args,
                )
            )
            return photo if isinstance(photo, Message) else None
        parts = chunks(text, tr.MAX_TEXT, utf16_units)
        no_preview = LinkPreviewOptions(is_disabled=True)
        sent: object = None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            sent = await call(
                lambda part=part, last=last: bot.send_message(
                    chat_id,
                    part,
                    reply_markup=markup if last else None,
                    link_preview_options=no_preview,
                    message_thread_id=topic,
                    rate_limit_args=limit_args,
                )
            )
        if a is not None:
            if a.mime.startswith("image/"):
                await call(
                    lambda: bot.send_photo(
                        chat_id,
                        InputFile(a.data, filename=a.name),
                        message_thread_id=topic,
                        rate_limit_args=limit_args,
                    )
                )
            else:
                await call(
                    lambda: bot.send_document(
                        chat_id,
                        InputFile(a.data, filename=a.name),
                        message_thread_id=topic,
                        rate_limit_args=limit_args,
                    )
                )
        return sent if isinstance(sent, Message) else None

    async def _make_access(self, reply: Reply) -> Reply:
        """A group's rules gate: restrict a newcomer to reading, or lift that once they agree.
        Telegram allows it in supergroups, to an admin with "Ban users"; anything else is told
        in the reply (Access.failed) and logged."""
        access = reply.access
        if access is None:
            return reply
        if access.change is Change.RESTRICT:
            permissions = ChatPermissions.no_permissions()
        elif access.change is Change.LIFT:
            permissions = ChatPermissions.all_permissions()  # the Bot API's way to lift
        else:
            log.warning("a %s change has no meaning on Telegram", access.change)
            return settled(reply, made=False)
        chat, user = access.group.chat_id, int(access.member.user_id)
        try:
            await self._call(lambda: self.ptb.bot.restrict_chat_member(chat, user, permissions))
        except TelegramError as error:
            log.warning("could not %s a member in chat %s: %s", access.change, chat, error)
            return settled(reply, made=False)
        return settled(reply, made=True)

    async def _call(self, make: Callable[[], Awaitable[object]]) -> object:
        """One Bot API call of a live answer, tried again on 5xx, 429 and network errors."""
        return await retrying(make, transient=_transient, what="a Telegram answer")


async def _once(make: Callable[[], Awaitable[object]]) -> object:
    return await make()


def _transient(error: BaseException) -> float | None:
    """How long to wait before trying a failed call again; None when trying again is useless."""
    if isinstance(error, RetryAfter):
        return seconds(error)
    if isinstance(error, (Forbidden, BadRequest)) or not isinstance(error, NetworkError):
        return None  # refused for good, or not the network's fault
    return 0.0  # 5xx, timeouts and dropped connections (PTB raises NetworkError for all)
