"""Telegram in webhook mode: the fake Bot API posts every update to a webhook, as Telegram
does, through a round-robin load balancer to two Haven processes' adapters (real
python-telegram-bot) on one PostgreSQL database. Every update is answered once, whichever
process takes it, however often it is posted."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from fakes.balancer import Balancer, free_port
from fakes.haven_telegram import ALICE, CONSENTED
from fakes.members import consent_all
from fakes.telegram_api import FakeTelegram

from adapters.telegram.adapter import TelegramAdapter
from bot.app import build
from bot.settings import Settings

SECRET = "webhook-secret-0123456789"


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in fake.messages_to(chat_id)]


@pytest.fixture
async def two_processes(fake: FakeTelegram, pg_database: str):
    ports = [free_port(), free_port()]
    balancer = Balancer(ports)
    await balancer.start()
    started = []
    for port in ports:
        settings = Settings(
            bot={"database": pg_database},
            telegram={
                "token": fake.token,
                "base_url": fake.base_url,
                "base_file_url": fake.base_file_url,
                "webhook_url": f"http://127.0.0.1:{balancer.port}/telegram",
                "webhook_listen": f"127.0.0.1:{port}",
                "webhook_secret": SECRET,
            },
        )
        app = build(settings)
        await app.start()
        await consent_all(app, "telegram", CONSENTED)
        adapter = TelegramAdapter(app, settings.telegram, poll_timeout=1)
        await adapter.start()
        app.add_adapter(adapter)
        started.append((app, adapter))
    yield balancer, ports
    for app, adapter in started:
        await adapter.stop()
        await app.close()
    await balancer.stop()


async def test_updates_posted_to_the_webhook_are_answered_once_by_either_process(
    fake: FakeTelegram, two_processes
) -> None:
    balancer, ports = two_processes
    assert fake.webhook is not None and fake.webhook["secret"] == SECRET
    for mood in (1, 2, 3, 4, 5, 4):
        fake.send_text(ALICE, f"/checkin {mood}")
    await fake.wait_for(lambda: sum("Recorded" in t for t in texts(fake, ALICE)) == 6, 15)
    assert all(taken >= 3 for taken in balancer.taken.values())  # both processes answered

    again = fake.send_text(ALICE, "/helpline GB")  # Telegram posts it; then posts it again
    await fake.wait_for(lambda: any("Samaritans" in t for t in texts(fake, ALICE)), 10)
    fake.send_text(ALICE, "/helpline GB", update_id=again["update_id"])
    await fake.wait_for(
        lambda: (
            [u for u, status in fake.webhook_posts if u == again["update_id"]]
            == [again["update_id"]] * 2
        ),
        10,
    )
    await asyncio.sleep(0.5)
    assert sum("Samaritans" in t for t in texts(fake, ALICE)) == 1  # handled once

    async with aiohttp.ClientSession() as session:  # a post without the secret is refused
        for port in ports:
            async with session.post(
                f"http://127.0.0.1:{port}/telegram",
                json={"update_id": 999999, "message": {}},
                headers={"X-Telegram-Bot-Api-Secret-Token": "guess-guess-guess-guess"},
            ) as answer:
                assert answer.status == 403
