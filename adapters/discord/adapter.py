"""The Discord adapter: slash commands and buttons in, ephemeral or channel replies out.

Interactions are handled from `on_interaction`, by command name and by button `custom_id`, with
no per-message state: a button keeps working after a restart because its `custom_id` is the
packed action itself. Work that takes longer than `defer_after` is deferred (with the reply's
visibility) so Discord's 3 s deadline is never missed.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

import aiohttp
import discord

from adapters.base import AdapterFailure, settled
from adapters.discord import schema
from adapters.discord.endpoints import point_at
from adapters.discord.reason import ReasonBox
from adapters.text import chunks
from bot import i18n
from bot.app import App
from bot.core.messages import (
    Actor,
    CalendarEntry,
    Change,
    Place,
    Priority,
    Quoted,
    Reply,
    Request,
    Via,
)
from bot.delivery.errors import Rejected, SendError, Transient, Unreachable
from bot.delivery.outbox import Attempt
from bot.delivery.retry import Policy, retrying
from bot.settings import DiscordSection

log = logging.getLogger(__name__)
T = TypeVar("T")
PLATFORM = "discord"
ACTION_PREFIX = "h:"
MAX_TEXT = 2000
# The adapter's own notes to a member, shown in their language (DiscordAdapter._language).
SENT_PRIVATELY = i18n.N_("Sent to you privately.")
HELD_NOTE = i18n.N_("While your direct messages were closed I couldn't send you this:")
DONE = i18n.N_("Done.")
ROLE_REASON = i18n.N_("Agreed to the group's ground rules")  # in the server's audit log
ACK_DEADLINE = 3.0  # seconds Discord gives a bot to acknowledge an interaction
ALREADY_ACKNOWLEDGED = 40060
# Quick tries first (the acknowledgement must come within 3 s), then longer for follow-ups.
QUICK = Policy(attempts=7, first_delay=0.08, max_wait=8.0, budget=12.0)
NO_MENTIONS = discord.AllowedMentions.none()
DM_INTERVAL = 2 / 50  # a DM costs two requests (open channel, send); stay under 50 requests/s


class _Haven:
    """What Haven's client does on Discord's events, whether it holds every shard or some."""

    adapter: DiscordAdapter

    async def setup_hook(self) -> None:
        await self.adapter.sync_commands()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.adapter.on_interaction(interaction)

    async def on_member_join(self, member: discord.Member) -> None:
        await self.adapter.on_member_join(member)

    async def on_message(self, message: discord.Message) -> None:
        await self.adapter.on_message(message)


class HavenClient(_Haven, discord.Client):
    """discord.Client with its dependencies passed in; no globals (as in advanced_startup)."""

    def __init__(self, adapter: DiscordAdapter, intents: discord.Intents, **options: Any) -> None:
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS, **options)
        self.adapter = adapter


class HavenShardedClient(_Haven, discord.AutoShardedClient):
    """Some of the bot's shards (`discord.shard_ids` of `shard_count`): several processes on
    one PostgreSQL database share a bot's guilds, each connected for its own shards."""

    def __init__(self, adapter: DiscordAdapter, intents: discord.Intents, **options: Any) -> None:
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS, **options)
        self.adapter = adapter


class DiscordAdapter:
    platform = PLATFORM

    def __init__(
        self,
        app: App,
        settings: DiscordSection,
        *,
        defer_after: float = 2.0,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        if settings.token is None:
            raise ValueError("discord.token is not set")
        self.app = app
        self.settings = settings
        self.defer_after = defer_after
        self.guild_ready_timeout = guild_ready_timeout
        self.client: HavenClient | HavenShardedClient | None = None
        self._runner: asyncio.Task[None] | None = None
        self._held: dict[str, list[Reply]] = {}
        self._deferred: dict[int, bool] = {}  # interaction id -> deferred ephemerally
        self._late: set[int] = set()  # interactions to acknowledge before anything else
        self._acked: set[int] = set()  # acknowledged by a try discord.py never saw answered
        self._dm_lock = asyncio.Lock()
        self._last_dm = 0.0
        self._stopped = asyncio.Event()
        self._stopping = False
        self.failure: str | None = None

    # -- life cycle -------------------------------------------------------------------
    def _new_client(self) -> HavenClient | HavenShardedClient:
        intents = discord.Intents.default()
        intents.message_content = False
        intents.members = self.settings.members_intent
        if self.settings.shard_count is not None:
            return HavenShardedClient(
                self,
                intents,
                guild_ready_timeout=self.guild_ready_timeout,
                shard_ids=self.settings.shard_ids,
                shard_count=self.settings.shard_count,
            )
        return HavenClient(self, intents, guild_ready_timeout=self.guild_ready_timeout)

    async def start(self) -> None:
        point_at(self.settings)
        assert self.settings.token is not None
        self.client = self._new_client()
        try:
            await self.client.login(self.settings.token.get_secret_value())
        except discord.LoginFailure:
            raise AdapterFailure("discord: the token was rejected (401 Unauthorized)") from None
        except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
            raise AdapterFailure(f"discord: cannot reach the API ({_cause(error)})") from None
        self._runner = asyncio.create_task(self.client.connect(reconnect=True))
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait({ready, self._runner}, return_when=asyncio.FIRST_COMPLETED)
        if self._runner in done:
            ready.cancel()
            error = self._runner.exception()
            raise AdapterFailure(
                f"discord: the connection closed before it was ready ({_cause(error)})"
            )
        self._runner.add_done_callback(self._ended)
        log.info("Discord adapter running as %s", self.client.user)

    def _ended(self, runner: asyncio.Task[None]) -> None:
        """The gateway connection ended without stop(): a rejected token (close 4004), a
        privileged intent not granted, or reconnecting gave up. The adapter stops with why."""
        if self._stopping:
            return
        error = None if runner.cancelled() else runner.exception()
        self.failure = f"discord: the connection ended ({_cause(error)})"
        self._stopped.set()

    async def stop(self) -> None:
        self._stopping = True
        if self.client is not None and not self.client.is_closed():
            await self.client.close()
        if self._runner is not None:
            try:
                await self._runner
            except Exception:
                log.warning("the Discord connection ended with an error", exc_info=True)
        self._stopped.set()

    async def wait(self) -> None:
        await self._stopped.wait()

    def holding(self, user_id: str) -> int:
        """How many replies wait for the member's next interaction (their DMs were closed)."""
        return len(self._held.get(user_id, []))

    async def sync_commands(self) -> None:
        """Publish the registry's commands: to the configured guilds (instant) or globally."""
        assert self.client is not None
        if not self.settings.sync_commands:
            return
        payload = schema.commands_payload(self.app.registry)
        app_id = self.client.application_id
        assert app_id is not None
        if self.settings.guild_ids:
            for guild_id in self.settings.guild_ids:
                await self.client.http.bulk_upsert_guild_commands(app_id, guild_id, payload)
        else:
            await self.client.http.bulk_upsert_global_commands(app_id, payload)

    # -- incoming ---------------------------------------------------------------------
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        try:
            if interaction.type is discord.InteractionType.application_command:
                await self._on_command(interaction)
            elif interaction.type is discord.InteractionType.component:
                await self._on_button(interaction)
        except Exception:
            log.exception("interaction %s failed", interaction.id)

    async def _on_command(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        name = str(data.get("name", ""))
        if data.get("type") == schema.MESSAGE:
            await self._on_message_command(interaction, data, name)
            return
        command = self.app.registry.get(name)
        verb, values = schema.read_options(data)
        args = {**values, "_verb": verb} if verb else dict(values)
        text = " ".join(str(v) for v in values.values() if v is not None)
        request = self._request(interaction, name, text, Via.COMMAND, args)
        public = bool(command and command.public)
        replies = await self._handle(interaction, request, ephemeral=not public)
        await self._respond(interaction, request, replies)

    async def _on_message_command(
        self, interaction: discord.Interaction, data: dict[str, Any], name: str
    ) -> None:
        """ "Report to leads" on a message: a box asks what happened (optional; adapters/
        discord/reason.py), then the command it stands for runs about that message, answered
        only to whoever used it."""
        command = schema.message_command(self.app.registry, name)
        target = str(data.get("target_id", ""))
        message = ((data.get("resolved") or {}).get("messages") or {}).get(target)
        if command is None or not isinstance(message, dict):
            await interaction.response.defer(ephemeral=True)
            return
        quoted = _quoted(message, interaction.guild_id)

        async def submitted(answer: discord.Interaction, reason: str) -> None:
            args = {"reason": reason.strip()} if reason.strip() else {}
            request = replace(
                self._request(answer, command.name, reason, Via.COMMAND, args), quoted=quoted
            )
            replies = await self._handle(answer, request, ephemeral=True)
            await self._respond(answer, request, replies)

        if any(o.name == "reason" for o in command.options):  # first, what happened
            language = self._language(self._request(interaction, command.name, "", Via.COMMAND, {}))
            await interaction.response.send_modal(ReasonBox(command, language, submitted))
            return
        await submitted(interaction, "")

    async def _on_button(self, interaction: discord.Interaction) -> None:
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        if not custom_id.startswith(ACTION_PREFIX):
            await interaction.response.defer()
            return
        name, _, text = custom_id[len(ACTION_PREFIX) :].partition(" ")
        request = self._request(interaction, name, text, Via.BUTTON, None)
        replies = await self._handle(interaction, request, ephemeral=True)
        await self._respond(interaction, request, replies)

    async def on_member_join(self, member: discord.Member) -> None:
        channel = self._welcome_channel(member.guild)
        if channel is None:
            return
        place = Place(PLATFORM, str(channel.id), False, str(member.guild.id), member.guild.name)
        replies = await self.app.member_joined(_actor(member), place)
        await self.deliver(replies)

    async def on_message(self, message: discord.Message) -> None:
        """Words a member writes to Haven in their direct chat (a conversation with a
        supporter is relayed this way; Discord gives a bot direct messages' content without
        the privileged intent), or a command typed there as text ("/end"). Messages in servers
        are not read: Haven works by slash commands there. Answers go back to the same direct
        chat, a crisis reply first."""
        if message.guild is not None or message.author.bot or not message.content.strip():
            return
        if not await self.app.first_delivery(self.platform, f"message:{message.id}"):
            return
        text = message.content.strip()
        name, via = "", Via.TEXT
        if text.startswith("/") and len(text) > 1:  # "/end" typed rather than picked
            name, _space, text = text[1:].partition(" ")
            via = Via.COMMAND
        request = Request(
            name.casefold(),
            text,
            _actor(message.author),
            Place(PLATFORM, str(message.channel.id), True),
            message.created_at,
            via,
        )
        for reply in sorted(
            await self.app.handle(request), key=lambda r: r.priority is not Priority.CRISIS
        ):
            try:
                if reply.to is None:
                    await _post(message.channel, reply)
                else:
                    await self.deliver([reply])
            except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
                if reply.priority is Priority.CRISIS:
                    key = f"crisis:{self.platform}:{message.author.id}:{time.time_ns()}"
                    to = replace(reply, to=request.actor, idempotency_key=key)
                    await self.app.deliver([to])
                    log.warning("a crisis reply failed live (%s); queued in the outbox", error)
                else:
                    log.error("an answer to a direct message was lost: %s", error)

    def _welcome_channel(self, guild: discord.Guild) -> discord.TextChannel | None:
        if guild.system_channel is not None:
            return guild.system_channel
        me = guild.me
        return next(
            (c for c in guild.text_channels if me and c.permissions_for(me).send_messages), None
        )

    # -- helpers ------------------------------------------------------------------------
    def _request(
        self,
        interaction: discord.Interaction,
        name: str,
        text: str,
        via: Via,
        args: dict[str, Any] | None,
    ) -> Request:
        channel_id = str(interaction.channel_id)
        if interaction.guild_id is not None:
            title = interaction.guild.name if interaction.guild else ""
            place = Place(PLATFORM, channel_id, False, str(interaction.guild_id), title)
        else:
            place = Place(PLATFORM, channel_id, True)
        return Request(
            name.casefold(),
            text,
            _actor(interaction.user),
            place,
            interaction.created_at,
            via,
            is_lead=self._is_lead(interaction),
            args=args,
            handle=interaction,
            locale=str(interaction.locale.value) if interaction.locale else None,
        )

    def _is_lead(self, interaction: discord.Interaction) -> bool:
        """Manage Server (or Administrator) in this guild, or the configured lead role. Checked
        in code on every command: a server may have overridden the default permission."""
        if interaction.guild_id is None:
            return False
        perms = interaction.permissions
        if perms.administrator or perms.manage_guild:
            return True
        wanted = self.settings.lead_role
        user = interaction.user
        if wanted and isinstance(user, discord.Member):
            return any(r.name == wanted or str(r.id) == wanted for r in user.roles)
        return False

    async def _handle(
        self, interaction: discord.Interaction, request: Request, *, ephemeral: bool
    ) -> list[Reply]:
        work = asyncio.ensure_future(self._handled(request))
        done, _ = await asyncio.wait({work}, timeout=self.defer_after)
        if not done and not interaction.response.is_done():
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
            self._deferred[interaction.id] = ephemeral
        return await work

    async def _handled(self, request: Request) -> list[Reply]:
        """The core's replies, with any role change they carry made (inside the time a
        deferral covers, so a slow role call cannot miss Discord's deadline)."""
        return [await self._make_access(r) for r in await self.app.handle(request)]

    async def _make_access(self, reply: Reply) -> Reply:
        """A group's rules gate: give the role the lead chose (by name, or by id). Discord
        allows it when Haven has Manage Roles and its own highest role is above that one;
        anything else is told in the reply (Access.failed) and logged."""
        access = reply.access
        if access is None:
            return reply
        if access.change is not Change.GIVE_ROLE or self.client is None:
            log.warning("a %s change has no meaning on Discord", access.change)
            return settled(reply, made=False)
        guild_id = access.group.community_id
        guild = self.client.get_guild(int(guild_id)) if guild_id else None
        wanted = (access.role or "").casefold()
        role = guild and next(
            (r for r in guild.roles if r.name.casefold() == wanted or str(r.id) == wanted), None
        )
        if guild is None or role is None or role.is_default():
            log.warning("the rules gate's role %r is not in guild %s", access.role, guild_id)
            return settled(reply, made=False)
        try:
            member = guild.get_member(int(access.member.user_id)) or await guild.fetch_member(
                int(access.member.user_id)
            )
            if role not in member.roles:
                with i18n.use(self._language(None)):
                    reason = i18n._(ROLE_REASON)
                await member.add_roles(role, reason=reason)
        except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
            log.warning("could not give the rules gate's role in guild %s: %s", guild_id, error)
            return settled(reply, made=False)
        return settled(reply, made=True)

    def _language(self, request: Request | None) -> str | None:
        """The language of the adapter's own notes (the core's replies come in theirs): the
        member's own choice as Haven last read it, else what their Discord reports, else the
        deployment's. Never a database read on the way to an answer, so a crisis reply waits
        for nothing."""
        if request is None:
            return i18n.supported(self.app.services.settings.bot.language)
        chosen = self.app.services.people.chosen_language(request.actor)
        reported = i18n.supported(request.locale)
        return chosen or reported or i18n.supported(self.app.services.settings.bot.language)

    async def _respond(
        self, interaction: discord.Interaction, request: Request, replies: list[Reply]
    ) -> None:
        with i18n.use(self._language(request)):  # for the notes below and SENT_PRIVATELY
            await self._respond_in(interaction, request, replies)

    async def _respond_in(
        self, interaction: discord.Interaction, request: Request, replies: list[Reply]
    ) -> None:
        replies = sorted(replies, key=lambda r: r.priority is not Priority.CRISIS)
        held = self._held.pop(request.actor.user_id, [])
        held_note = i18n._(HELD_NOTE)
        answers = [
            Reply(f"{held_note}\n{r.text}", buttons=r.buttons, attachment=r.attachment)
            for r in held
        ]
        answers += [r for r in replies if r.to is None and r.replaces is None]
        answers.sort(key=lambda r: r.priority is not Priority.CRISIS)  # stable: held notes next
        # A post kept up to date is a channel message of its own, not the interaction's answer
        # (whose message only the interaction may edit, for 15 minutes).
        elsewhere = [r for r in replies if r.to is not None or r.replaces is not None]
        if not answers:
            answers = [Reply(i18n._(DONE))]
        deferred = interaction.response.is_done()
        deferred_public = deferred and not self._deferred.pop(interaction.id, True)
        first = True
        for at, reply in enumerate(answers):
            parts = _parts(reply)
            try:
                for index, (part, view) in enumerate(parts):
                    file = _file(reply) if index == len(parts) - 1 else None
                    await self._answer_part(
                        interaction,
                        part,
                        reply.private,
                        view,
                        first and deferred,
                        deferred_public,
                        file,
                    )
                    first = False
            except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
                await self._unanswered(request, answers[at:], error)
                break
        self._late.discard(interaction.id)
        self._acked.discard(interaction.id)
        if elsewhere:
            await self.deliver(elsewhere)

    async def _unanswered(self, request: Request, replies: list[Reply], error: Exception) -> None:
        """Answers that could not be given after their retries. A crisis reply goes to the
        durable outbox, ahead of everything, as a direct message (private stays private); the
        rest are logged, so none is lost unaccounted."""
        for reply in replies:
            if reply.priority is Priority.CRISIS:
                key = f"crisis:{self.platform}:{request.actor.user_id}:{time.time_ns()}"
                to = request.actor if reply.private else request.place
                await self.app.deliver([replace(reply, to=to, idempotency_key=key)])
                log.warning("a crisis reply failed live (%s); queued as a direct message", error)
            else:
                log.error("an answer to a member was lost after its retries: %s", error)

    async def _answer_part(
        self,
        interaction: discord.Interaction,
        text: str,
        private: bool,
        view: discord.ui.View | None,
        replaces_deferral: bool,
        deferred_public: bool,
        file: discord.File | None = None,
    ) -> None:
        """One part of an answer, tried again on 5xx, 429 and dropped connections. The first
        response must come within Discord's 3 s: when it keeps failing, Haven acknowledges
        with a deferral (a tiny request) while there is time, and sends the text as a
        follow-up, which may come for 15 minutes."""

        async def once() -> None:
            if interaction.response.is_done():
                await self._answer_once(
                    interaction, text, private, view, replaces_deferral, deferred_public, file
                )
                return
            # Not acknowledged yet: one request per try, cut short before the deadline
            # (discord.py would otherwise wait seconds between its own tries on a 5xx).
            age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
            budget = max(0.15, min(0.5, ACK_DEADLINE - age - 0.25))
            deferring = interaction.id in self._late
            try:
                await asyncio.wait_for(
                    self._answer_once(
                        interaction, text, private, view, replaces_deferral, deferred_public, file
                    ),
                    budget,
                )
            except discord.HTTPException as error:
                if error.code != ALREADY_ACKNOWLEDGED:
                    raise
                # An earlier try that was cut short did reach Discord. If it carried the text,
                # the member has it; if it was the deferral, the text follows it.
                if not deferring:
                    return
                self._acked.add(interaction.id)
                await self._answer_once(interaction, text, private, view, True, not private, file)

        def transient(error: BaseException) -> float | None:
            if not _transient(error):
                return None
            if not interaction.response.is_done():
                age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
                if ACK_DEADLINE - age < 0.3:
                    return None  # too late to acknowledge: the caller falls back
                self._late.add(interaction.id)  # the next try acknowledges first, cheaply
            return 0.0

        await retrying(once, transient=transient, policy=QUICK, what="a Discord answer")

    async def _answer_once(
        self,
        interaction: discord.Interaction,
        text: str,
        private: bool,
        view: discord.ui.View | None,
        replaces_deferral: bool,
        deferred_public: bool,
        file: discord.File | None,
    ) -> None:
        extra: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if view is not None:
            extra["view"] = view
        if file is not None:
            file.reset()
        acked = interaction.response.is_done() or interaction.id in self._acked
        if not acked and interaction.id in self._late:
            self._late.discard(interaction.id)  # time is short: acknowledge first, cheaply
            await interaction.response.defer(ephemeral=private, thinking=True)
            replaces_deferral = True
            deferred_public = not private
            acked = True
        if not acked:
            if file is not None:
                extra["file"] = file
            await interaction.response.send_message(text, ephemeral=private, **extra)
        elif replaces_deferral and not (private and deferred_public):
            if file is not None:
                extra["attachments"] = [file]
            await interaction.edit_original_response(content=text, **extra)
        else:
            if replaces_deferral:  # a public "thinking" message must not turn into private text
                await interaction.edit_original_response(content=i18n._(SENT_PRIVATELY))
            if file is not None:
                extra["file"] = file
            await interaction.followup.send(text, ephemeral=private, **extra)

    # -- outgoing, not in answer to an interaction ------------------------------------
    async def deliver(self, replies: list[Reply]) -> None:
        for reply in sorted(replies, key=lambda r: r.priority is not Priority.CRISIS):
            reply = await self._make_access(reply)
            try:
                await self.send(reply)
            except SendError as error:
                log.warning("could not deliver a reply: %s", error)

    async def send(self, reply: Reply, *, attempt: Attempt | None = None) -> None:
        """One outbox message, with discord.py's errors in the outbox's terms. discord.py
        itself waits out 429s per its buckets; a closed DM is held for an ephemeral note."""
        assert self.client is not None
        target = reply.to
        try:
            if reply.calendar is not None and isinstance(target, Place):
                await self._calendar(target, reply.calendar)
            if reply.replaces is not None:
                await self._replace(reply, attempt)
            elif isinstance(target, Actor):
                if not await self._dm(target, reply, attempt):
                    raise Unreachable("the member does not accept direct messages")
            elif isinstance(target, Place) and not reply.private:
                channel = self.client.get_channel(int(target.chat_id)) or (
                    await self.client.fetch_channel(int(target.chat_id))
                )
                if attempt is not None:
                    await attempt()
                sent = await _post(channel, reply)  # type: ignore[arg-type]
                await self._kept(reply, sent)
            else:
                raise Rejected("a private reply cannot be posted in a channel")
        except (discord.Forbidden, discord.NotFound) as error:
            raise Unreachable(str(error)) from error
        except (
            TimeoutError,
            discord.DiscordServerError,
            discord.RateLimited,
            aiohttp.ClientError,
            OSError,
        ) as error:
            raise Transient(str(error) or type(error).__name__) from error
        except discord.HTTPException as error:
            raise Rejected(str(error)) from error

    async def _kept(self, reply: Reply, sent: discord.Message) -> None:
        """After a post is sent: remember where it went (to change it in place later) and pin
        it when asked. Neither may fail the send: the post is out, and sending it again would
        show it twice; what could not be done is logged."""
        if reply.keep is not None:
            try:
                now = self.app.services.clock.now()
                where = str(sent.channel.id)
                await self.app.posts.keep(self.platform, reply.keep, where, str(sent.id), now)
            except Exception as error:  # the database away: the post stays as posted
                log.warning("could not keep where a post went (%s): %s", reply.keep, error)
        if reply.pin:
            try:
                await _again(sent.pin, "a pin")
            except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
                log.warning("could not pin a post in channel %s: %s", sent.channel.id, error)

    async def _replace(self, reply: Reply, attempt: Attempt | None) -> None:
        """Change a kept post in place (its text and buttons); one never kept here or deleted
        since is left alone."""
        assert self.client is not None and reply.replaces is not None
        kept = await self.app.posts.find(self.platform, reply.replaces)
        if kept is None:
            return
        channel = self.client.get_partial_messageable(int(kept.chat_id))
        if attempt is not None:
            await attempt()
        message = channel.get_partial_message(int(kept.message_id))
        try:
            await _again(
                lambda: message.edit(
                    content=chunks(reply.text, MAX_TEXT)[0],
                    view=_view(reply),
                    allowed_mentions=NO_MENTIONS,
                ),
                "a post's change",
            )
        except discord.NotFound:
            await self.app.posts.forget(self.platform, reply.replaces)

    async def _calendar(self, place: Place, entry: CalendarEntry) -> None:
        """The event in Discord's own list of the server's events (a Guild Scheduled Event),
        made, changed or removed with Haven's. Needs Manage Events; without it, or when Discord
        refuses, Haven's own post and reminders go on and the refusal is logged."""
        assert self.client is not None
        key = f"{entry.key}:calendar"
        try:
            channel = self.client.get_channel(int(place.chat_id)) or (
                await self.client.fetch_channel(int(place.chat_id))
            )
            guild = getattr(channel, "guild", None)
            if guild is None:
                return
            kept = await self.app.posts.find(self.platform, key)
            found = (
                await _again(lambda: guild.fetch_scheduled_event(int(kept.message_id)), "an event")
                if kept
                else None
            )
            if entry.cancelled:
                if found is not None:
                    await _again(found.delete, "an event's removal")
                    await self.app.posts.forget(self.platform, key)
                return
            fields: dict[str, Any] = {
                "name": entry.title[:100],
                "start_time": entry.starts_at,
                "end_time": entry.ends_at,
                "location": (entry.where or "-")[:100],
                "description": entry.description[:1000],
            }
            if found is not None:
                await _again(lambda: found.edit(**fields), "an event's change")
                return
            made = await _again(
                lambda: guild.create_scheduled_event(
                    entity_type=discord.EntityType.external,
                    privacy_level=discord.PrivacyLevel.guild_only,
                    **fields,
                ),
                "an event",
            )
            now = self.app.services.clock.now()
            await self.app.posts.keep(self.platform, key, str(guild.id), str(made.id), now)
        except discord.NotFound:
            await self.app.posts.forget(self.platform, key)  # deleted in Discord meanwhile
        except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
            log.warning("Discord's event list was not updated for %s: %s", entry.key, error)

    async def _dm(self, actor: Actor, reply: Reply, attempt: Attempt | None = None) -> bool:
        """Direct messages are paced under the global limit; a member whose DMs are closed gets
        the content as an ephemeral note at their next interaction, never in public."""
        assert self.client is not None
        async with self._dm_lock:
            wait = self._last_dm + DM_INTERVAL - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_dm = time.monotonic()
        try:
            user = self.client.get_user(int(actor.user_id)) or await self.client.fetch_user(
                int(actor.user_id)
            )
            channel = user.dm_channel or await user.create_dm()
            if attempt is not None:
                await attempt()
            await _post(channel, reply)
        except discord.Forbidden:
            log.info("member %s does not accept direct messages; holding the reply", actor.user_id)
            self._held.setdefault(actor.user_id, []).append(reply)
            return False
        return True


def _quoted(message: dict[str, Any], guild_id: int | None) -> Quoted:
    """A message as an interaction resolves it (raw: its author may have left the server)."""
    author = message.get("author") or {}
    channel, number = message.get("channel_id"), message.get("id")
    name = author.get("global_name") or author.get("username") or ""
    return Quoted(
        f"{channel}:{number}",
        Actor(PLATFORM, str(author["id"]), str(name)) if author.get("id") else None,
        str(message.get("content") or ""),
        f"https://discord.com/channels/{guild_id}/{channel}/{number}" if guild_id else None,
    )


def _actor(user: discord.User | discord.Member) -> Actor:
    return Actor(PLATFORM, str(user.id), user.display_name)


def _view(reply: Reply) -> discord.ui.View | None:
    if not reply.buttons:
        return None
    view = discord.ui.View(timeout=None)
    for row_index, row in enumerate(reply.buttons[:5]):
        for button in row[:5]:
            if button.url:
                item = discord.ui.Button(label=button.label[:80], url=button.url, row=row_index)
            else:
                item = discord.ui.Button(
                    label=button.label[:80],
                    custom_id=ACTION_PREFIX + (button.action or ""),
                    style=discord.ButtonStyle.secondary,
                    row=row_index,
                )
            view.add_item(item)
    view.stop()  # nothing to keep in memory: presses are handled by custom_id, after restarts too
    return view


async def _post(channel: discord.abc.Messageable, reply: Reply) -> discord.Message:
    """A message not in answer to an interaction; a file rides on its last part. Returns the
    last part (the one with the buttons)."""
    parts = _parts(reply)
    sent: discord.Message | None = None
    for index, (part, view) in enumerate(parts):
        extra: dict[str, Any] = {}
        if index == len(parts) - 1 and (file := _file(reply)) is not None:
            extra["file"] = file
        sent = await channel.send(part, view=view, allowed_mentions=NO_MENTIONS, **extra)  # type: ignore[arg-type]
    assert sent is not None
    return sent


def _file(reply: Reply) -> discord.File | None:
    if reply.attachment is None:
        return None
    a = reply.attachment
    return discord.File(io.BytesIO(a.data), filename=a.name, description=a.alt[:1024] or None)


def _parts(reply: Reply) -> list[tuple[str, discord.ui.View | None]]:
    pieces = chunks(reply.text, MAX_TEXT)
    view = _view(reply)
    return [(c, view if i == len(pieces) - 1 else None) for i, c in enumerate(pieces)]


async def _again(call: Callable[[], Awaitable[T]], what: str) -> T:
    """A call beside a message (an edit, a pin, the server's event list), tried again on 5xx,
    429 and dropped connections, as sends are."""
    return await retrying(
        call, transient=lambda error: 0.0 if _transient(error) else None, what=what
    )


def _transient(error: BaseException) -> bool:
    """5xx, a 429 discord.py did not wait out, a dropped or reset connection: worth a retry."""
    if isinstance(error, discord.HTTPException):
        return error.status >= 500 or error.status == 429
    return isinstance(error, (aiohttp.ClientError, OSError, asyncio.TimeoutError))


def _cause(error: BaseException | None) -> str:
    """What ended a connection, in words: the exception's class and message (discord.py puts no
    token in its messages; the log filter redacts one anyway)."""
    if error is None:
        return "closed"
    if isinstance(error, discord.LoginFailure):
        return "the token was rejected"
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return "a privileged intent is not enabled in the developer portal"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
