"""Application command payloads generated from the registry: the registry is the only place a
command, its options, their ranges and choices are written."""

from __future__ import annotations

from typing import Any

from bot import i18n
from bot.core.options import Kind, Option
from bot.core.registry import Command, Registry

MANAGE_GUILD = 1 << 5
STRING, INTEGER, SUB_COMMAND = 3, 4, 1
CHAT_INPUT, MESSAGE = 1, 3  # application command types: slash command, message command
GUILD, BOT_DM = 0, 1
MAX_CHOICES = 25
# Discord's locales for each catalogue: Spanish is "es-ES" in Spain and "es-419" in Latin
# America, one catalogue serves both.
DISCORD_LOCALES = {"es": ("es-ES", "es-419"), "de": ("de",), "fr": ("fr",), "pt_BR": ("pt-BR",)}


def localized(description: str) -> dict[str, str]:
    """`description_localizations` for a command or option: its description in every language
    Haven speaks beside English (names stay English everywhere, so help and docs agree)."""
    found: dict[str, str] = {}
    for language in i18n.OFFERED:
        if language == i18n.SOURCE:
            continue
        with i18n.use(language):
            shown = i18n._(description)
        for locale in DISCORD_LOCALES.get(language, ()):
            found[locale] = shown
    return found


def option_payload(option: Option) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": INTEGER if option.kind is Kind.INT else STRING,
        "name": option.name,
        "description": option.description,
        "description_localizations": localized(option.description),
        "required": option.required,
    }
    if option.kind is Kind.INT:
        if option.min is not None:
            payload["min_value"] = option.min
        if option.max is not None:
            payload["max_value"] = option.max
    elif option.choices and option.kind is Kind.WORD and len(option.choices) <= MAX_CHOICES:
        payload["choices"] = [{"name": c, "value": c} for c in option.choices]
    if option.max_length is not None and option.kind is not Kind.INT:
        payload["max_length"] = option.max_length
    return payload


def _options(command: Command) -> list[dict[str, Any]]:
    """Discord wants required options first. Typed text may put an optional one between
    (`/resources add sleep podcast https://...`); Discord sends options by name, so moving
    it after the required ones changes nothing but where its box shows."""
    ordered = sorted(command.options, key=lambda o: not o.required)  # stable
    return [option_payload(o) for o in ordered]


def is_lead_command(command: Command) -> bool:
    """Lead-only as a whole (every verb): only then can Discord hide it from members."""
    return command.lead_only or (
        bool(command.subcommands) and all(s.lead_only for s in command.subcommands)
    )


def command_payload(command: Command) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": CHAT_INPUT,
        "name": command.name,
        "description": command.description,
        "description_localizations": localized(command.description),
        "contexts": [GUILD] if is_lead_command(command) else [GUILD, BOT_DM],
        "integration_types": [0],
    }
    if command.subcommands:
        payload["options"] = [
            {
                "type": SUB_COMMAND,
                "name": sub.name,
                "description": sub.description,
                "description_localizations": localized(sub.description),
                "options": _options(sub),
            }
            for sub in command.subcommands
        ]
    else:
        payload["options"] = _options(command)
    if is_lead_command(command):
        payload["default_member_permissions"] = str(MANAGE_GUILD)
    return payload


def message_command_payload(command: Command) -> dict[str, Any]:
    """A command on a message (the message's menu, Apps): a name, no description or options;
    the name shown in each language Haven speaks, Discord's own rule for such commands."""
    names: dict[str, str] = {}
    for language in i18n.OFFERED:
        if language == i18n.SOURCE:
            continue
        with i18n.use(language):
            shown = i18n._(command.on_message)[:32]
        for locale in DISCORD_LOCALES.get(language, ()):
            names[locale] = shown
    return {
        "type": MESSAGE,
        "name": command.on_message,
        "name_localizations": names,
        "contexts": [GUILD],
        "integration_types": [0],
    }


def commands_payload(registry: Registry) -> list[dict[str, Any]]:
    found = [command_payload(c) for c in registry]
    return found + [message_command_payload(c) for c in registry if c.on_message]


def message_command(registry: Registry, name: str) -> Command | None:
    """The command a message command's name stands for ("Report to leads" -> /report)."""
    return next((c for c in registry if c.on_message and c.on_message == name), None)


def read_options(data: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """An interaction's options as (verb, {name: value}) for the registry's typed path."""
    options = data.get("options") or []
    verb = None
    if options and options[0].get("type") == SUB_COMMAND:
        verb = options[0]["name"]
        options = options[0].get("options") or []
    return verb, {o["name"]: o.get("value") for o in options}
