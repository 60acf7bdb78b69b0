"""`haven check` and `haven invite`: reach each configured platform once, with the real
libraries, and say in one line each what was found. Nothing here runs while the bot runs."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.settings import DiscordSection, Settings, TelegramSection

# What Haven does in a Discord server, and nothing more: see its channels, post and answer
# in them and their threads, with links shown as cards and files (charts), and read the
# history it replies to.
DISCORD_PERMISSIONS = {
    "View Channels": 1 << 10,
    "Send Messages": 1 << 11,
    "Embed Links": 1 << 14,
    "Attach Files": 1 << 15,
    "Read Message History": 1 << 16,
    "Send Messages in Threads": 1 << 38,
}
DISCORD_PERMISSIONS_INTEGER = sum(DISCORD_PERMISSIONS.values())


@dataclass(frozen=True)
class Found:
    """One platform as reached: `ok`, one line for the maintainer, and where to add the bot."""

    ok: bool
    line: str
    invite: str | None = None


def discord_invite(application_id: int) -> str:
    query = urlencode(
        {
            "client_id": application_id,
            "scope": "bot applications.commands",
            "permissions": DISCORD_PERMISSIONS_INTEGER,
        }
    )
    return f"https://discord.com/oauth2/authorize?{query}"


def application_id_from_token(token: str) -> int | None:
    """A bot token's first part is its application's id in base64: the invite URL can be
    made even when Discord cannot be reached."""
    first = token.split(".", 1)[0]
    try:
        text = base64.b64decode(first + "=" * (-len(first) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


async def probe_telegram(settings: TelegramSection) -> Found:
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    assert settings.token is not None
    bot = Bot(
        settings.token.get_secret_value(),
        base_url=settings.base_url,
        base_file_url=settings.base_file_url,
    )
    try:
        async with bot:  # initialize() calls getMe
            me = bot.bot
    except InvalidToken:
        return Found(False, "telegram: the token was rejected (401 Unauthorized)")
    except NetworkError as error:
        return Found(False, f"telegram: cannot reach the Bot API ({error})")
    except TelegramError as error:
        return Found(False, f"telegram: the Bot API refused ({error})")
    privacy = (
        "reads every group message (privacy mode off)"
        if me.can_read_all_group_messages
        else "privacy mode on: in groups it sees commands and replies to it, which is all Haven "
        "needs"
    )
    groups = "may be added to groups" if me.can_join_groups else "cannot be added to groups"
    line = f"telegram: ok, @{me.username}; {groups}; {privacy}"
    return Found(True, line, f"https://t.me/{me.username}?startgroup=haven")


async def probe_discord(settings: DiscordSection) -> Found:
    import aiohttp
    import discord

    from adapters.discord.endpoints import point_at

    assert settings.token is not None
    token = settings.token.get_secret_value()
    point_at(settings)
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(token)
        user, app_id = client.user, client.application_id
    except discord.LoginFailure:
        return Found(False, "discord: the token was rejected (401 Unauthorized)")
    except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
        fallback = application_id_from_token(token)
        invite = discord_invite(fallback) if fallback else None
        return Found(False, f"discord: cannot reach the API ({type(error).__name__})", invite)
    finally:
        await client.close()
    app_id = app_id or application_id_from_token(token)
    invite = discord_invite(app_id) if app_id else None
    members = (
        "Server Members intent on (enable it in the Developer Portal too)"
        if settings.members_intent
        else "Server Members intent off (no welcome on join)"
    )
    return Found(True, f"discord: ok, {user} (application {app_id}); {members}", invite)


async def probe_all(settings: Settings) -> list[Found]:
    found = []
    if settings.telegram.token is not None:
        found.append(await probe_telegram(settings.telegram))
    if settings.discord.token is not None:
        found.append(await probe_discord(settings.discord))
    return found
