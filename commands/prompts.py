"""`/prompt [theme]`: a creative or reflective prompt, privately (bot/services/prompts.py); the
group's focus turns the choice toward it. `/schedule prompt` posts one in a group
(commands/schedule.py)."""

from __future__ import annotations

from typing import Any

from bot.catalog import THEMES
from bot.core.messages import Button, Reply, Request, private
from bot.core.options import Kind, Option
from bot.core.registry import Command, pack_action
from bot.i18n import N_, NC_, _, pgettext, words_for
from bot.services.container import Services

# How each theme is named (pgettext "prompt theme"), and read when typed in any language.
THEME_NAMES = {
    "writing": NC_("prompt theme", "writing"),
    "drawing": NC_("prompt theme", "drawing"),
    "movement": NC_("prompt theme", "movement"),
    "gratitude": NC_("prompt theme", "gratitude"),
    "mindfulness": NC_("prompt theme", "mindfulness"),
    "reflection": NC_("prompt theme", "reflection"),
}
ICONS = {
    "writing": "✍️",
    "drawing": "🎨",
    "movement": "🚶",
    "gratitude": "🌱",
    "mindfulness": "🍃",
    "reflection": "💭",
}


def theme_shown(theme: str) -> str:
    return pgettext("prompt theme", THEME_NAMES[theme])


THEME = Option(
    "theme",
    Kind.WORD,
    N_("writing, drawing, movement, gratitude, mindfulness or reflection"),
    choices=THEMES,
    aliases=words_for("prompt theme", THEMES),  # "escritura", "Dankbarkeit": the theme
    shown=theme_shown,
)


def prompt_text(svc: Services, theme: str | None, focus: str | None) -> tuple[str, str]:
    """A prompt as it is shown (its theme, then the invitation), and its id."""
    chosen = svc.prompts.prompt(theme, focus)
    heading = _("{icon} A {theme} prompt:").format(
        icon=ICONS[chosen.theme], theme=theme_shown(chosen.theme)
    )
    return f"{heading}\n{svc.catalog.prompt_shown(chosen)}", chosen.id


async def prompt(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    theme = args.get("theme")
    text, _id = prompt_text(svc, theme, await svc.people.focus_of(request))
    keep = _("It's yours to keep or to share; skip it if it doesn't fit today.")
    again = pack_action("prompt", theme) if theme else pack_action("prompt")
    return [private(f"{text}\n{keep}", buttons=((Button(_("Another prompt"), action=again),),))]


PROMPT = Command(
    "prompt",
    N_("A creative or reflective prompt, just for you"),
    prompt,
    options=(THEME,),
    examples=("/prompt", "/prompt gratitude"),
    actions=("prompt writing",),
)

COMMANDS = [PROMPT]
