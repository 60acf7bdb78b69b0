"""Where discord.py connects. It reads both addresses from class attributes, so they are set
here, in one place, before a client starts (a REST proxy, or the test suite's fake servers)."""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl

from bot.settings import DiscordSection


def point_at(settings: DiscordSection) -> None:
    discord.http.Route.BASE = settings.api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
