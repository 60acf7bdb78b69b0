"""Haven wired to the fake Telegram Bot API, for end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fakes.members import consent_all
from fakes.telegram_api import FakeTelegram

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.limits import FloodLimiter
from bot.app import App, build
from bot.settings import Settings

ALICE, BOB, LEAD, KIM = 1001, 1002, 1003, 1004
GROUP = -100777
# The standard members by the name the adapter gives them (Telegram: the user's full name);
# start_haven records their consent, so tests about other things can check in straight away.
CONSENTED = {ALICE: "Alice", BOB: "Bob", LEAD: "Lee", KIM: "Kim"}


@dataclass
class Haven:
    app: App
    adapter: TelegramAdapter
    settings: Settings
    database: Path | str


def telegram_settings(fake: FakeTelegram, database: Path | str, **sections: dict) -> Settings:
    """Settings for Haven against `fake`; `sections` adds others, e.g. limits={...}."""
    return Settings(
        bot={"database": database},
        telegram={
            "token": fake.token,
            "base_url": fake.base_url,
            "base_file_url": fake.base_file_url,
        },
        **sections,
    )


def populate(server: FakeTelegram) -> None:
    server.add_user(ALICE, "Alice")
    server.add_user(BOB, "Bob", started=False)
    server.add_user(LEAD, "Lee")
    server.add_user(KIM, "Kim")
    server.add_group(GROUP, "Calm Corner", admins=[LEAD], creator=LEAD)


async def start_haven(
    fake: FakeTelegram,
    database: Path | str,
    *,
    limiter: FloodLimiter | None = None,
    **sections: dict,
) -> Haven:
    """Haven started against `fake`, its standard members consented; `limiter` replaces the
    flood limiter (e.g. one with a shorter per-chat interval for a long sequence of replies)."""
    settings = telegram_settings(fake, database, **sections)
    app = build(settings)
    await app.start()
    await consent_all(app, "telegram", CONSENTED)
    adapter = TelegramAdapter(app, settings.telegram, poll_timeout=1, limiter=limiter)
    await adapter.start()
    app.add_adapter(adapter)
    await app.start_delivery()
    return Haven(app, adapter, settings, database)


async def stop_haven(haven: Haven) -> None:
    await haven.adapter.stop()
    await haven.app.close()
