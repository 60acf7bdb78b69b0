"""/help and /start, generated from the registry so they never drift from the commands."""

from __future__ import annotations

from typing import Any

from bot.core.messages import Reply, Request, private
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command
from bot.domain.quotes import quoted
from bot.i18n import N_, _
from bot.services.container import Services

INTRO = N_(
    "Hi, I'm Haven, a bot for peer-support groups. I keep your check-ins private, find "
    "resources and helplines, and keep the group's rules at hand. I'm not a person or a "
    "counsellor; if you need someone now, /sos."
)


def _leadish(command: Command) -> bool:
    return command.lead_only or (
        all(s.lead_only for s in command.subcommands) and bool(command.subcommands)
    )


async def help_(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    registry = svc.registry
    name = args.get("command")
    if name:
        command = registry.get(name.lstrip("/"))
        if command is None:
            raise ArgumentError(
                _("there is no command {name}").format(name=quoted(name.lstrip("/"), 32))
            )
        lines = [f"/{command.name}: {_(command.description)}", _("Usage:")]
        subs = command.subcommands or (command, *command.text_verbs)
        for sub in subs:
            if sub.lead_only or command.lead_only:
                lines.append("  " + _("{usage} (leads)").format(usage=sub.usage))
            else:
                lines.append(f"  {sub.usage}")
        if command.examples:
            lines.append(_("Examples: {examples}").format(examples="   ".join(command.examples)))
        return [private("\n".join(lines))]
    everyone = [c for c in registry if not _leadish(c)]
    leads = [c for c in registry if _leadish(c) or any(s.lead_only for s in c.subcommands)]
    lines = [_("For everyone:")]
    lines += [f"  /{c.name}: {_(c.description)}" for c in everyone]
    lines.append(_("For group leads:"))
    for c in leads:
        verbs = [s.name for s in c.subcommands if s.lead_only or c.lead_only]
        lines.append(f"  /{c.name} {'|'.join(verbs)}".rstrip() if verbs else f"  /{c.name}")
    lines.append(_("Details: /help checkin"))
    return [private("\n".join(lines))]


async def start(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    return [private(_(INTRO) + "\n" + _("Start with /checkin, or /help for everything."))]


HELP = Command(
    "help",
    N_("What I can do, or how to use one command"),
    help_,
    options=(Option("command", Kind.WORD, N_("A command name, e.g. checkin")),),
    examples=("/help", "/help checkin"),
)
START = Command(
    "start",
    N_("Meet Haven"),
    start,
    options=(Option("payload", Kind.WORD, N_("Where you left off"), max_length=64),),
)
COMMANDS = [START, HELP]
