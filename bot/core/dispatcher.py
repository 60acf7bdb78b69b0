"""The one path every request takes: screen, resolve, check, parse, handle, answer.

It never lets an error go silent: bad input gets its usage line, a refusal says why, and an
unexpected failure still answers the member (privately) so nobody is left without a reply.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core.cooldown import Cooldown
from bot.core.messages import Reply, Request, Via, private
from bot.core.options import ArgumentError
from bot.core.registry import Command, Registry
from bot.i18n import N_, _, use

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Screened:
    """What the crisis screen says of a request: replies to send `instead` of running it (the
    crisis reply), or replies to send `after` its own (the gentle pointer), or neither."""

    instead: list[Reply] | None = None
    after: list[Reply] = field(default_factory=list)


Screen = Callable[[Any, Request], Awaitable[Screened]]
TextHandler = Callable[[Any, Request, Screened], Awaitable[list[Reply]]]
AfterCrisis = Callable[[Any, Request], Awaitable[list[Reply]]]

MAX_ERROR = 240  # characters of an error's sentence
FAILED = N_(
    "Sorry, something went wrong on my side and nothing was changed. Please try again in a "
    "moment. If you need someone right now, /sos lists people you can reach."
)


class Dispatcher:
    def __init__(
        self,
        registry: Registry,
        services: Any,
        *,
        screen: Screen | None = None,
        on_text: TextHandler | None = None,
        after_crisis: AfterCrisis | None = None,
        cooldown: Cooldown | None = None,
        unlimited: frozenset[str] = frozenset({"sos", "support"}),
    ) -> None:
        self.registry = registry
        self.services = services
        self.screen = screen
        self.on_text = on_text
        self.after_crisis = after_crisis  # text flagged in a direct chat: a conversation's relay
        self.later: Callable[[list[Reply]], Awaitable[None]] | None = None  # the outbox
        self._following: set[asyncio.Task[None]] = set()
        self.cooldown = cooldown
        self.unlimited = unlimited

    async def handle(self, request: Request) -> list[Reply]:
        try:
            return await self._handle(request)
        except Exception:
            log.exception("request /%s failed", request.command)
            return [private(_(FAILED))]

    async def _handle(self, request: Request) -> list[Reply]:
        command = self.registry.get(request.command) if request.via is not Via.TEXT else None
        wants_screen = request.via is not Via.BUTTON and (command is None or command.screen)
        screened = Screened()
        if self.screen is not None and wants_screen and request.text.strip():
            try:
                screened = await self.screen(self.services, request)
            except Exception:  # a broken screen must not also take the command down
                log.exception("the crisis screen failed; answering the request without it")
            if screened.instead is not None:
                self._follow_crisis(request, command)
                return screened.instead
        with use(await self._language(request)):
            replies = await self._answer(request, command, screened)
        if request.via is Via.TEXT:  # the text handler places the pointer itself
            return replies
        return [*replies, *screened.after]

    def _follow_crisis(self, request: Request, command: Command | None) -> None:
        """What still happens after a crisis reply, in the background so the crisis reply
        waits for nothing: flagged words in a conversation reach the other side; a command
        that goes on after a crisis (/talk) runs. Its replies go out through `later` (the
        outbox), addressed to the member where they answered the request."""
        wanted = (request.via is Via.TEXT and self.after_crisis is not None) or (
            command is not None and command.after_crisis
        )
        if not wanted or self.later is None:
            return
        task = asyncio.create_task(self._after_crisis(request, command))
        self._following.add(task)
        task.add_done_callback(self._following.discard)

    async def _after_crisis(self, request: Request, command: Command | None) -> None:
        try:
            if request.via is Via.TEXT and self.after_crisis is not None:
                replies = await self.after_crisis(self.services, request)
            else:
                with use(await self._language(request)):
                    replies = await self._answer(request, command, Screened())
            own = request.actor if request.place.is_direct else request.place
            addressed = [
                r if r.to is not None else replace(r, to=request.actor if r.private else own)
                for r in replies
            ]
            if addressed and self.later is not None:
                await self.later(addressed)
        except Exception:
            log.exception("what follows a crisis reply failed; the crisis reply stands")

    async def settled(self) -> None:
        """Wait for what follows crisis replies (the console shows it before going on)."""
        while self._following:
            await asyncio.gather(*self._following, return_exceptions=True)

    async def _language(self, request: Request) -> str | None:
        """The language to answer in (bot/i18n.py), chosen after the crisis screen: a crisis
        reply never waits for it. A lookup that fails answers in the source language."""
        people = getattr(self.services, "people", None)
        if people is None:
            return None
        try:
            chosen: str = await people.language(request)
        except Exception:
            log.warning("could not tell which language to answer in; answering in English")
            return None
        return chosen

    async def _answer(
        self, request: Request, command: Command | None, screened: Screened
    ) -> list[Reply]:
        if self.cooldown is not None and (command is None or command.name not in self.unlimited):
            notice = self.cooldown.check(request.actor.platform, request.actor.user_id)
            if notice is not None:
                return [private(notice)] if notice else []
        if request.via is Via.TEXT:
            if self.on_text is None:
                return list(screened.after)
            return await self.on_text(self.services, request, screened)
        if command is None:
            name = request.command if len(request.command) <= 32 else request.command[:31] + "…"
            return [
                private(_("I don't know /{name}. /help lists what I can do.").format(name=name))
            ]
        try:
            if request.args is not None:
                verb = request.args.get("_verb")
                raw = {k: v for k, v in request.args.items() if k != "_verb"}
                resolved = self.registry.resolve_typed(command, verb, raw)
            else:
                resolved = self.registry.resolve(command, request.text)
        except ArgumentError as error:
            return [private(_usage(_sentence(str(error)), error.usage or command.usage))]
        target = resolved.command
        if (command.lead_only or target.lead_only) and not request.is_lead:
            said = _(
                "/{command} is for group leads. Ask a lead of this group if you'd like "
                "something changed."
            ).format(command=target.path)
            return [private(_usage(said, _("{usage} (leads)").format(usage=target.usage)))]
        assert target.handler is not None
        try:
            return await target.handler(self.services, request, resolved.args)
        except ArgumentError as error:
            return [private(_usage(_sentence(str(error)), target.usage))]


def _usage(said: str, usage: str) -> str:
    """What was wrong, and the usage line under it."""
    return said + "\n" + _("Usage: {usage}").format(usage=usage)


def _sentence(text: str) -> str:
    """An error as one short sentence: whatever of the member's input it quotes is cut, so a
    megabyte typed after a command is never echoed back."""
    text = text.strip()
    if len(text) > MAX_ERROR:
        text = text[: MAX_ERROR - 1].rstrip() + "…"
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
