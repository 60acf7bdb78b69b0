"""The box a message command opens before it runs ("Report to leads": what happened,
optional), so a report on Discord carries a reason as `/report [reason]` does elsewhere.

The modal lives in this process only (discord.py keeps it until it is submitted or times
out); a submit after a restart finds none and Discord tells the member it failed, nothing
half done. Its texts come from the command's own declaration, in the member's language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot import i18n
from bot.core.registry import Command

MAX_TITLE, MAX_LABEL = 45, 45  # Discord's limits for a modal's title and an input's label
TIMEOUT = 600.0

Submitted = Callable[[discord.Interaction, str], Awaitable[None]]


class ReasonBox(discord.ui.Modal):
    def __init__(self, command: Command, language: str | None, submitted: Submitted) -> None:
        option = next((o for o in command.options if o.name == "reason"), None)
        with i18n.use(language):
            title = i18n._(command.on_message)[:MAX_TITLE]
            label = i18n._(option.description if option else command.on_message)[:MAX_LABEL]
        super().__init__(title=title, timeout=TIMEOUT)
        self.reason: discord.ui.TextInput[ReasonBox] = discord.ui.TextInput(
            label=label,
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=(option.max_length if option and option.max_length else 300),
        )
        self.add_item(self.reason)
        self.submitted = submitted

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.submitted(interaction, self.reason.value or "")
