"""Reads lines from standard input, speaks to the core, prints one block per bot message.

Grammar (DESIGN.md): `/command args`, plain text, `:as NAME [lead]`, `:in NAME`, `:dm`,
`:join NAME`, `:press N`, `:clock [+30m|+2h|+3d|ISO time]`, `:help`, `:quit`.

`:press N` presses a button the current member can see: the newest of their own private
messages with buttons and the current group's public ones, never another member's private
message (as on the platforms).
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from adapters.base import settled
from bot.app import App
from bot.core.clock import SimulatedClock
from bot.core.messages import (
    Access,
    Actor,
    Button,
    Change,
    Place,
    Quoted,
    Reply,
    Request,
    Via,
)
from bot.delivery.outbox import Attempt
from bot.domain.schedule_time import parse_duration
from bot.scheduler.jobs import Timeline
from bot.storage.engine import is_postgres, sqlite_path

PLATFORM = "console"
CONSOLE_NAMES = frozenset({"haven", "havenbot"})  # /cmd@haven is ours; /cmd@OtherBot is not
DIRECTIVES = (
    ":as NAME [lead] | :in NAME | :dm | :join NAME | :press N | :reply N /command | "
    ":clock [+2h|ISO] | :lang [CODE] | :help | :quit"
)
HELP = """console lines:
  /command args        a command, as a member types it (/help lists them)
  any other text       plain text to the bot
  :as NAME [lead]      speak as member NAME (created on first use); lead: of the current group
  :in NAME / :dm       move to group chat NAME / to your direct chat with the bot
  :join NAME           member NAME joins the current group
  :press N             press button N of the newest message with buttons you can see
  :reply N /command    a command replying to message N of the current group (members'
                       plain text there is numbered as it is typed: "(message 3)")
  :clock [+30m|ISO]    show or move the simulated clock (what is due on the way fires)
  :lang CODE / :lang   the language your app reports (es, de-AT, pt-BR), as Telegram and
                       Discord tell Haven / none
  :help / :quit        this list / stop (end of input does the same)"""
BANNER = (
    "Haven console: you are {member}, in a direct chat with Haven.\n"
    "/help lists commands, :help the console's own lines, :quit stops."
)


def group_place(name: str) -> Place:
    """A console group: its chat and its community have one name."""
    return Place(PLATFORM, name, is_direct=False, community_id=name, title=name)


def made(access: Access) -> str:
    """What a platform would do for a group's rules gate, as the console shows it."""
    who, where = access.member.name, access.group.title or access.group.chat_id
    if access.change is Change.GIVE_ROLE:
        return f"platform: {who} gets the role “{access.role}” in {where}"
    if access.change is Change.RESTRICT:
        return f"platform: {who} may read but not write in {where} until agreeing"
    return f"platform: {who} may write in {where} now"


@dataclass(frozen=True)
class Shown:
    """The last message with buttons, and where a press on it happens."""

    place: Place
    buttons: tuple[Button, ...]
    order: int  # newer messages have higher numbers


class ConsoleAdapter:
    platform = PLATFORM

    def __init__(
        self,
        app: App,
        clock: SimulatedClock,
        *,
        out: TextIO = sys.stdout,
        attachments: Path | None = None,
        zone: str = "UTC",
    ) -> None:
        self.app = app
        self.clock = clock
        self.out = out
        # Files (/mydata) are written beside the database unless told otherwise.
        database = app.services.settings.bot.database
        beside = Path() if is_postgres(database) else sqlite_path(database).parent
        self.attachments = attachments or beside / "attachments"
        self.zone = ZoneInfo(zone)
        self.timeline = Timeline(app.timeline_jobs, clock, app.services, app.deliver, self.settle)
        app.add_adapter(self)
        self.member = "you"
        self.group: str | None = None
        self.leads: set[tuple[str, str]] = set()
        # What each member's app reports as its language (`:lang`): a platform's locale.
        self.locales: dict[str, str] = {}
        # Buttons by audience: a member's own private messages, a group's public ones.
        self.private_buttons: dict[str, Shown] = {}
        self.public_buttons: dict[str, Shown] = {}
        self._shown = 0
        self._posts = 0  # posts kept up to date, numbered as shown
        # Members' plain text in each group, numbered from 1, for `:reply N /report`.
        self.said: dict[str, list[Quoted]] = {}
        self._done = asyncio.Event()

    # -- where we are -------------------------------------------------------------------
    def actor(self, name: str | None = None) -> Actor:
        name = name or self.member
        return Actor(PLATFORM, name.casefold(), name)

    def place(self) -> Place:
        if self.group is None:
            return Place(PLATFORM, f"dm:{self.member.casefold()}", is_direct=True)
        return group_place(self.group)

    def is_lead(self) -> bool:
        return self.group is not None and (self.group, self.member.casefold()) in self.leads

    # -- input --------------------------------------------------------------------------
    async def run(self, source: TextIO = sys.stdin) -> None:
        loop = asyncio.get_running_loop()
        interactive = source.isatty()
        if interactive:
            self.out.write(BANNER.format(member=self.member) + "\n\n")
        await self.settle()  # firings caught up at start
        while True:
            if interactive:
                where = f"#{self.group}" if self.group else "dm"
                self.out.write(f"{self.member}@{where}> ")
                self.out.flush()
            line = await loop.run_in_executor(None, source.readline)
            if not line or not await self.line(line.rstrip("\r\n")):
                break
        self._done.set()

    async def line(self, text: str) -> bool:
        """Handle one input line; False means stop."""
        stripped = text.strip()
        if not stripped:
            return True
        if stripped.startswith(":"):
            return await self.directive(stripped)
        if stripped.startswith("/"):
            name, _, rest = stripped[1:].partition(" ")
            name, at, addressee = name.partition("@")
            if at and addressee.casefold() not in CONSOLE_NAMES:
                return self.note("that command is addressed to another bot; Haven ignores it")
            request = self.request(name, rest, Via.COMMAND)
        else:
            request = self.request("", stripped, Via.TEXT)
            if self.group is not None:
                said = self.said.setdefault(self.group, [])
                ref = f"{self.group}:{len(said) + 1}"
                said.append(Quoted(ref, self.actor(), stripped))
                self.note(f"message {len(said)}")
        await self.answer(request)
        return True

    async def reply_to(self, text: str) -> bool:
        """`:reply N /command args`: the command as a reply to the group's message N."""
        number, _, line = text.partition(" ")
        said = self.said.get(self.group or "", [])
        if self.group is None or not number.isdigit() or not 1 <= int(number) <= len(said):
            return self.note(f":reply takes a message number of this group, 1 to {len(said)}")
        if not line.strip().startswith("/"):
            return self.note(":reply N needs a command after it, e.g. :reply 2 /report spam")
        name, _, rest = line.strip()[1:].partition(" ")
        request = replace(self.request(name, rest, Via.COMMAND), quoted=said[int(number) - 1])
        await self.answer(request)
        return True

    def request(self, command: str, text: str, via: Via, place: Place | None = None) -> Request:
        return Request(
            command=command.casefold(),
            text=text,
            actor=self.actor(),
            place=place or self.place(),
            at=self.clock.now(),
            via=via,
            is_lead=self.is_lead(),
            locale=self.locales.get(self.member.casefold()),
        )

    async def answer(self, request: Request) -> None:
        replies = await self.app.handle(request)
        await self.show(replies, request)
        await self.settle()  # what the answer queued (a lead alert, its report) goes out now

    async def directive(self, text: str) -> bool:
        word, _, rest = text[1:].partition(" ")
        rest = rest.strip()
        word = word.casefold()
        if word == "quit":
            return False
        if word == "help":
            self.out.write(HELP + "\n\n")
            return True
        if word == "as" and rest:
            name, _, role = rest.partition(" ")
            self.member = name
            if role.strip().casefold() == "lead":
                if self.group is None:
                    return self.note("leads belong to a group: use :in NAME first")
                self.leads.add((self.group, name.casefold()))
            return True
        if word == "in" and rest:
            self.group = rest.split()[0].lstrip("#")
            return True
        if word == "dm":
            self.group = None
            return True
        if word == "join" and rest:
            if self.group is None:
                return self.note("join needs a group: use :in NAME first")
            replies = await self.app.member_joined(self.actor(rest.split()[0]), self.place())
            await self.show(replies, None)
            return True
        if word == "press":
            return await self.press(rest)
        if word == "reply":
            return await self.reply_to(rest)
        if word == "clock":
            return await self.move_clock(rest)
        if word == "lang":
            if rest:
                self.locales[self.member.casefold()] = rest.split()[0]
            else:
                self.locales.pop(self.member.casefold(), None)
            return True
        return self.note(f"unknown or incomplete directive; use {DIRECTIVES}")

    def visible_buttons(self) -> Shown | None:
        """The newest message with buttons the current member can see."""
        mine = self.private_buttons.get(self.member.casefold())
        group = self.public_buttons.get(self.group) if self.group is not None else None
        seen = [s for s in (mine, group) if s is not None]
        return max(seen, key=lambda s: s.order) if seen else None

    async def press(self, text: str) -> bool:
        shown = self.visible_buttons()
        if shown is None:
            return self.note(f"no message with buttons for {self.member} here yet")
        if not text.isdigit() or not 1 <= int(text) <= len(shown.buttons):
            return self.note(f":press takes a button number from 1 to {len(shown.buttons)}")
        button = shown.buttons[int(text) - 1]
        if button.action is None:
            return self.note(f"(opens {button.url})")
        name, _, rest = button.action.partition(" ")
        await self.answer(self.request(name, rest, Via.BUTTON, shown.place))
        return True

    async def move_clock(self, text: str) -> bool:
        if not text:
            return self.note(self.clock_text())
        try:
            if text.startswith("+"):
                target = self.clock.now() + parse_duration(text[1:])
            else:
                target = datetime.fromisoformat(text)
                if target.tzinfo is None:
                    target = target.replace(tzinfo=self.zone)
            await self.timeline.advance_to(target)
        except (ValueError, OverflowError) as error:  # OverflowError: past year 9999
            return self.note(f"{error}; use :clock +30m, +2h, +3d or 2026-03-01T09:00")
        return self.note(self.clock_text())

    def clock_text(self) -> str:
        local = self.clock.now().astimezone(self.zone)
        return f"clock: {local:%Y-%m-%d %H:%M %Z (%A)}"

    # -- output -------------------------------------------------------------------------
    async def deliver(self, replies: list[Reply]) -> None:
        await self.show(replies, None)

    async def send(self, reply: Reply, *, attempt: Attempt | None = None) -> None:
        """An outbox message (a scheduled prompt, a reminder, a celebration)."""
        if attempt is not None:
            await attempt()
        await self.show([reply], None)

    async def settle(self) -> int:
        """Send what is due in the outbox now: the console has no background worker. What
        follows a crisis reply (a conversation's relay) is waited for first, so it shows
        under the line that caused it."""
        await self.app.dispatcher.settled()
        return await self.app.outbox.drain_due(PLATFORM)

    async def show(self, replies: list[Reply], request: Request | None) -> None:
        for reply in replies:
            if reply.access is not None:
                self.note(made(reply.access))
                reply = settled(reply, made=True)
            place = self.target_place(reply, request)
            header = self.header(reply, place, request)
            if reply.replaces is not None:
                kept = await self.app.posts.find(PLATFORM, reply.replaces)
                if kept is None:
                    continue  # nothing kept to change (posted before a restart of the files)
                place = group_place(kept.chat_id)
                header = f"[#{kept.chat_id}]"
                self.out.write(f"(post {kept.message_id} changed)\n")
            elif reply.keep is not None:
                if not self._posts:  # numbered on from the posts kept before a restart
                    self._posts = await self.app.posts.count(PLATFORM)
                self._posts += 1
                number, now = str(self._posts), self.clock.now()
                await self.app.posts.keep(PLATFORM, reply.keep, place.chat_id, number, now)
                self.out.write(f"(post {number}{' pinned' if reply.pin else ''})\n")
            self.out.write(header + " " + reply.text + "\n")
            buttons = tuple(b for row in reply.buttons for b in row)
            if buttons:
                self.out.write("  ".join(f"[{i}] {b.label}" for i, b in enumerate(buttons, 1)))
                self.out.write("\n")
                self._shown += 1
                shown = Shown(place, buttons, self._shown)
                if header.endswith(" private]"):
                    self.private_buttons[header[2 : -len(" private]")].casefold()] = shown
                else:
                    self.public_buttons[place.chat_id] = shown
            if reply.attachment is not None:
                self.attachments.mkdir(parents=True, exist_ok=True)
                path = self.attachments / reply.attachment.name
                path.write_bytes(reply.attachment.data)
                self.out.write(f"(attachment: {reply.attachment.name}) written to {path}\n")
            self.out.write("\n")
        self.out.flush()

    def target_place(self, reply: Reply, request: Request | None) -> Place:
        if isinstance(reply.to, Place):
            # A group post names its chat only; in the console a group is its own community.
            to = reply.to
            return to if to.is_direct or to.community_id else group_place(to.chat_id)
        if isinstance(reply.to, Actor):
            return Place(PLATFORM, f"dm:{reply.to.user_id}", is_direct=True)
        assert request is not None, "an answer needs its request"
        return request.place

    def header(self, reply: Reply, place: Place, request: Request | None) -> str:
        if isinstance(reply.to, Actor):
            return f"[@{reply.to.name} private]"
        if reply.private or place.is_direct:
            name = request.actor.name if request else place.chat_id.removeprefix("dm:")
            return f"[@{name} private]"
        return f"[#{place.chat_id}]"

    def note(self, text: str) -> bool:
        self.out.write(f"({text})\n\n")
        self.out.flush()
        return True

    async def wait(self) -> None:
        await self._done.wait()
