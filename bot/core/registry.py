"""One declaration per command; every surface (console, Telegram, Discord, /help) reads it.

A command either has options of its own or verbs (subcommands). One verb may be the default, so
`/resources anxiety` and `/resources show anxiety` are the same, while Discord, which cannot mix
the two, publishes `/resources show`. A command with options may also have `text_verbs`: a
first word typed on a text surface (`/checkin undo`) or packed in a button picks one, while
Discord publishes only the options (its members reach the verbs through the buttons).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.core.messages import Reply, Request
from bot.core.options import (
    ArgumentError,
    Kind,
    Option,
    Tokens,
    check_values,
    clean,
    parse_options,
)
from bot.domain.quotes import quoted
from bot.i18n import _

Handler = Callable[[Any, Request, dict[str, Any]], Awaitable[list[Reply]]]

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
MAX_DESCRIPTION = 100
# Telegram allows 64 bytes of callback data and Discord 100 characters of custom_id; adapters
# may add a short prefix of their own, so packed actions keep below both with room to spare.
MAX_ACTION_BYTES = 56


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    handler: Handler | None = None
    options: tuple[Option, ...] = ()
    subcommands: tuple[Command, ...] = ()
    default: str | None = None  # the verb used when the first word is not a verb
    lead_only: bool = False
    public: bool = False  # replies are private unless a command says otherwise
    examples: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()  # packed button actions this command emits, checked at build
    aliases: tuple[str, ...] = ()
    screen: bool = True  # free text in arguments passes the crisis screen first
    # False for text written as group content (a rule's wording), which the learned signal was
    # never trained on ("1 Be kind" scored 0.86): there only the screen's rules can stop it.
    learned_screen: bool = True
    # Its arguments are the member's own private data (a mood, a milestone, a plan): typed in
    # a group, the adapter removes the message where it may, or tells the member it is visible.
    private_input: bool = False
    # A crisis in its text gets the crisis reply, and the command still runs (/talk: asking
    # for someone to talk to is what a member in crisis should still be able to do).
    after_crisis: bool = False
    # The act itself must not be tied to the member in the group (a share, a report): when
    # its private answer cannot reach them, the group gets no line naming them either.
    anonymous: bool = False
    # Also a command on a message, where the platform has them (Discord's message context
    # menu): its name there, e.g. "Report to leads"; the request carries the message.
    on_message: str = ""
    parent: str = field(default="", compare=False)
    text_verbs: tuple[Command, ...] = ()  # beside the options; see the module's docstring

    @property
    def path(self) -> str:
        return f"{self.parent} {self.name}".strip()

    @property
    def usage(self) -> str:
        if self.subcommands:
            return " | ".join(sub.usage for sub in self.subcommands)
        return " ".join(["/" + self.path, *(o.usage for o in self.options)])

    def verb(self, name: str) -> Command | None:
        return next((s for s in self.subcommands if s.name == name), None)

    def text_verb(self, name: str) -> Command | None:
        return next((s for s in self.text_verbs if s.name == name), None)


@dataclass(frozen=True)
class Resolved:
    """A command (or verb) chosen for a request, with its parsed arguments."""

    command: Command
    args: dict[str, Any]


def pack_action(command: str, *args: object) -> str:
    """A button's action is the command line it stands for, so a press parses like typing."""
    action = " ".join([command, *(str(a) for a in args)]).strip()
    if len(action.encode()) > MAX_ACTION_BYTES:
        raise ValueError(f"packed action longer than {MAX_ACTION_BYTES} bytes: {action!r}")
    return action


def split_action(action: str) -> tuple[str, str]:
    name, _, text = action.strip().partition(" ")
    return name.lstrip("/").casefold(), text


class Registry:
    def __init__(self, commands: Iterable[Command] = ()) -> None:
        self._commands: dict[str, Command] = {}
        self._aliases: dict[str, str] = {}
        for command in commands:
            self.add(command)

    def add(self, command: Command) -> None:
        if command.subcommands:
            subs = tuple(_with_parent(sub, command.name) for sub in command.subcommands)
            command = _replace(command, subcommands=subs)
        if command.text_verbs:
            verbs = tuple(_with_parent(sub, command.name) for sub in command.text_verbs)
            command = _replace(command, text_verbs=verbs)
        _validate(command)
        for name in (command.name, *command.aliases):
            if name in self._commands or name in self._aliases:
                raise ValueError(f"command /{name} declared twice")
        self._commands[command.name] = command
        for alias in command.aliases:
            self._aliases[alias] = command.name
        for action in command.actions:
            self._check_action(command, action)

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands.values())

    def get(self, name: str) -> Command | None:
        name = name.casefold()
        return self._commands.get(self._aliases.get(name, name))

    def private_input(self, name: str, text: str) -> bool:
        """Whether `/name text` carries the member's private data (the verb's flag when the
        first word is a verb), so a copy left in a group would show it to everyone."""
        command = self.get(name)
        if command is None or not text.strip():
            return False
        first = text.split(maxsplit=1)[0].casefold()
        verb = command.verb(first) or command.text_verb(first)
        return (verb or command).private_input

    def resolve(self, command: Command, text: str) -> Resolved:
        """Pick the verb (if any) and parse the rest; raises ArgumentError with a reason."""
        text = clean(text)  # before the verb is matched, so hidden characters cannot steer it
        if command.text_verbs:
            tokens = Tokens(text)
            first = tokens.peek()
            verb = command.text_verb(first.casefold()) if first else None
            if verb is not None:
                tokens.next()
                return Resolved(verb, _parse(verb, tokens.rest()))
        if not command.subcommands:
            return Resolved(command, _parse(command, text))
        tokens = Tokens(text)
        first = tokens.peek()
        verb = command.verb(first.casefold()) if first else None
        if verb is not None:
            tokens.next()
            return Resolved(verb, _parse(verb, tokens.rest()))
        default = command.verb(command.default) if command.default else None
        if default is None or (first is not None and not default.options):
            names = ", ".join(sub.name for sub in command.subcommands)
            said = (
                _("{word} is not something /{command} does; choose one of: {verbs}")
                if first
                else _("choose one of: {verbs}")
            )
            raise ArgumentError(
                said.format(word=quoted(first, 32), command=command.name, verbs=names),
                command.usage,
            )
        return Resolved(default, _parse(default, text))

    def resolve_typed(self, command: Command, verb: str | None, raw: dict[str, Any]) -> Resolved:
        """For surfaces that deliver typed options (Discord): same checks, no text parsing.
        A command's text verbs, which Discord does not publish, are still reached by typing one
        first in its text option (`/poll poll: close 3`), as on the other surfaces."""
        if verb is None and command.text_verbs and command.options:
            first = command.options[0]
            value = raw.get(first.name)
            words = value.split(maxsplit=1) if isinstance(value, str) else []
            if first.kind is Kind.TEXT and words and command.text_verb(words[0].casefold()):
                return self.resolve(command, str(value))
        target = command.verb(verb) if verb else command
        if target is None or (target.subcommands and verb is None):
            raise ArgumentError(_("unknown subcommand {name}").format(name=quoted(verb, 32)))
        return Resolved(target, check_values(target.options, raw))

    def _check_action(self, command: Command, action: str) -> None:
        name, text = split_action(action)
        if len(action.encode()) > MAX_ACTION_BYTES:
            raise ValueError(f"/{command.name}: action {action!r} is too long")
        target = self.get(name)
        if target is None:
            raise ValueError(f"/{command.name}: action {action!r} names no command")
        self.resolve(target, text)  # raises if the action would not parse


def _parse(command: Command, text: str) -> dict[str, Any]:
    try:
        return parse_options(command.options, text)
    except ArgumentError as error:
        raise ArgumentError(str(error), error.usage or command.usage) from None


def _with_parent(sub: Command, parent: str) -> Command:
    return _replace(sub, parent=parent)


def _replace(command: Command, **changes: Any) -> Command:
    from dataclasses import replace

    return replace(command, **changes)


def _validate(command: Command) -> None:
    if not NAME.match(command.name) or "-" in command.name:
        raise ValueError(f"bad command name {command.name!r}")
    if not 0 < len(command.description) <= MAX_DESCRIPTION:
        raise ValueError(f"/{command.path}: description must be 1-{MAX_DESCRIPTION} characters")
    if command.subcommands and command.options:
        raise ValueError(f"/{command.name}: a command has options or verbs, not both")
    if not command.subcommands and command.handler is None:
        raise ValueError(f"/{command.path}: no handler")
    if command.default and command.verb(command.default) is None:
        raise ValueError(f"/{command.name}: default verb {command.default!r} is not declared")
    seen: set[str] = set()
    for option in command.options:
        if not NAME.match(option.name) or option.name in seen:
            raise ValueError(f"/{command.path}: bad or repeated option {option.name!r}")
        if not 0 < len(option.description) <= MAX_DESCRIPTION:
            raise ValueError(f"/{command.path} {option.name}: description length")
        seen.add(option.name)
    texts = [o for o in command.options if o.kind == "text"]
    if (texts and command.options[-1] is not texts[0]) or len(texts) > 1:
        raise ValueError(f"/{command.path}: a text option must be the last and only one")
    if command.text_verbs and (command.subcommands or command.handler is None):
        raise ValueError(f"/{command.name}: text verbs go beside options, not verbs")
    for sub in (*command.subcommands, *command.text_verbs):
        if sub.subcommands or sub.text_verbs:
            raise ValueError(f"/{command.name} {sub.name}: verbs do not nest")
        _validate(sub)
