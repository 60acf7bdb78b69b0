"""`haven run`: the configured platform adapters and the scheduler in one event loop, until
SIGINT or SIGTERM (or an adapter stops on its own), then a clean shutdown of everything.

Exit codes: 0 after a signal; 1 when an adapter could not start or stopped on its own (a
rejected token, polling that stopped), with one line naming the platform and the cause."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from adapters.base import Adapter, AdapterFailure
from bot.app import App, build
from bot.scheduler.jobs import start_realtime
from bot.settings import Settings

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
    scheduler = None
    started: list[Adapter] = []
    code = 0
    try:
        for adapter in adapters:
            await adapter.start()
            started.append(adapter)
            app.add_adapter(adapter)
        await app.start_delivery()
        scheduler = start_realtime(app.jobs, app.services, app.deliver)
        await app.schedules.start_realtime()
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
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        await app.schedules.stop()
        for adapter in reversed(started):
            try:
                await adapter.stop()
            except Exception:
                log.exception("stopping the %s adapter failed", adapter.platform)
        await app.close()
        log.warning("Haven stopped")
    return code
