"""Haven wired to the fake Discord REST API and gateway, for end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import discord.gateway
import discord.http
from fakes.discord_api import FakeDiscord
from fakes.members import consent_all

from adapters.discord.adapter import DiscordAdapter
from bot.app import App, build
from bot.settings import Settings

GUILD = 810000000000000001
GENERAL = 810000000000000010
LEAD, ALICE, BOB, KIM = (
    910000000000000001,
    910000000000000002,
    910000000000000003,
    910000000000000004,
)
# The standard members by the name the adapter gives them (Discord: the display name, here
# the username); start_haven records their consent, so other tests can check in straight away.
CONSENTED = {LEAD: "lee", ALICE: "alice", BOB: "bob", KIM: "kim"}
LEAD_ROLE = 810000000000000020
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11)  # view channel, send messages


@dataclass
class Haven:
    app: App
    adapter: DiscordAdapter
    settings: Settings
    database: Path | str


def discord_settings(fake: FakeDiscord, database: Path | str, **discord_extra: object) -> Settings:
    return Settings(
        bot={"database": database},
        discord={
            "token": fake.token,
            "api_base": fake.api_base,
            "gateway_url": fake.gateway_url,
            **discord_extra,
        },
    )


def populate(fake: FakeDiscord) -> None:
    fake.add_user(LEAD, "lee")
    fake.add_user(ALICE, "alice")
    fake.add_user(BOB, "bob", dms_open=False)
    fake.add_user(KIM, "kim")
    fake.add_guild(
        GUILD,
        "Calm Corner",
        owner_id=LEAD,
        channels={GENERAL: "general"},
        system_channel_id=GENERAL,
    )
    fake.add_role(GUILD, LEAD_ROLE, "Peer Lead")
    fake.add_member(GUILD, LEAD, permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)
    fake.add_member(GUILD, ALICE, permissions=MEMBER_PERMISSIONS)
    fake.add_member(GUILD, BOB, permissions=MEMBER_PERMISSIONS)


async def start_adapter(app: App, settings: Settings, **options: float) -> DiscordAdapter:
    adapter = DiscordAdapter(app, settings.discord, guild_ready_timeout=0.1, **options)
    await adapter.start()
    app.add_adapter(adapter)
    return adapter


async def start_haven(
    fake: FakeDiscord, database: Path | str, *, defer_after: float = 2.0, **discord_extra: object
) -> Haven:
    settings = discord_settings(fake, database, **discord_extra)
    app = build(settings)
    await app.start()
    await consent_all(app, "discord", CONSENTED)
    adapter = await start_adapter(app, settings, defer_after=defer_after)
    await app.start_delivery()
    return Haven(app, adapter, settings, database)


async def stop_haven(haven: Haven) -> None:
    await haven.adapter.stop()
    await haven.app.close()


class Endpoints:
    """discord.py keeps its addresses in class attributes; tests put them back afterwards."""

    def __enter__(self) -> Endpoints:
        self.saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        return self

    def __exit__(self, *exc: object) -> None:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self.saved
