"""`haven run`: the configured platform adapters and the scheduler in one event loop, until
SIGINT or SIGTERM (or an adapter stops on its own), then a clean shutdown of everything. The
scheduler and the outbox senders run in the leading process only (bot/delivery/leader.py):
with SQLite that is this one; with PostgreSQL, one of however many run.

Exit codes: 0 after a signal; 1 when an adapter could not start or stopped on its own (a
rejected token, polling that stopped), with one line naming the platform and the cause."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from adapters.base import Adapter, AdapterFailure
from bot.app import App, build
from bot.delivery.leader import Leadership
from bot.scheduler.jobs import start_realtime
from bot.settings import Settings
from bot.storage.engine import is_postgres

log = logging.getLogger(__name__)


def platform_adapters(app: App, settings: Settings) -> list[Adapter]:
    adapters: list[Adapter] = []
    if settings.telegram.token is not None:
        from adapters.telegram.adapter import TelegramAdapter

        adapters.append(TelegramAdapter(app, settings.telegram))
    if settings.discord.token is not None:
        from adapters.discord.adapter import DiscordAdapter

        adapters.append(DiscordAdapter(app, settings.discord))
    return adapters


def lead_timed_work(app: App, database: str) -> Leadership:
    """The scheduler (fixed jobs and members' schedules) and the outbox senders, run while
    this process leads."""
    timed: list[AsyncIOScheduler] = []

    async def start_duties() -> None:
        await app.start_delivery()
        timed.append(start_realtime(app.jobs, app.services, app.deliver))
        await app.schedules.start_realtime()

    async def stop_duties() -> None:
        while timed:
            timed.pop().shutdown(wait=False)
        await app.schedules.stop()
        await app.outbox.stop()

    return Leadership(database if is_postgres(database) else None, start_duties, stop_duties)


async def run_platforms(settings: Settings) -> int:
    app = build(settings)
    await app.start()
    app.services.charts.start()  # the chart worker warms up while the adapters connect
    adapters = platform_adapters(app, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    leadership = lead_timed_work(app, settings.bot.database)
    started: list[Adapter] = []
    code = 0
    try:
        for adapter in adapters:
            await adapter.start()
            started.append(adapter)
            app.add_adapter(adapter)
        await leadership.begin()
        log.warning("Haven is running on %s", ", ".join(a.platform for a in adapters))
        waits = [asyncio.ensure_future(stop.wait())]
        waits += [asyncio.ensure_future(a.wait()) for a in adapters]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for waiting in waits:
            waiting.cancel()
        for adapter in adapters:
            if getattr(adapter, "failure", None):
                log.error("%s", adapter.failure)
                code = 1
    except AdapterFailure as failure:
        log.error("%s", failure)
        code = 1
    finally:
        await leadership.end()
        for adapter in reversed(started):
            try:
                await adapter.stop()
            except Exception:
                log.exception("stopping the %s adapter failed", adapter.platform)
        await app.close()
        log.warning("Haven stopped")
    return code
