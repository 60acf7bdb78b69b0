"""`haven run | console`: start the bot. With no platform token, `run` starts the console."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.logsetup import configure, redactor
from bot.settings import ConfigError, Settings, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="haven", description="Haven peer-support bot")
    parser.add_argument("--config", type=Path, help="TOML file (default: ./config.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="mode")
    sub.add_parser("run", help="run the configured adapters (console when no token is set)")
    console = sub.add_parser("console", help="talk to Haven in this terminal")
    for p in (sub.choices["run"], console):
        p.add_argument("--config", type=Path, default=argparse.SUPPRESS)
        p.add_argument("--database", type=Path, help="SQLite file (overrides bot.database)")
        p.add_argument("--clock", help="console: start the simulated clock here (ISO time)")
    return parser


def _start_time(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC).replace(microsecond=0)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def run_console(settings: Settings, start: datetime) -> int:
    from adapters.console.adapter import ConsoleAdapter
    from bot.app import build
    from bot.core.clock import SimulatedClock

    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")  # a stray byte must not stop the console
    clock = SimulatedClock(start)
    app = build(settings, clock=clock, cooldown=False)
    await app.start()
    try:
        console = ConsoleAdapter(app, clock, zone=settings.bot.timezone)
        await console.run()
    finally:
        await app.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
        if getattr(args, "database", None):
            settings.bot.database = args.database
        start = _start_time(getattr(args, "clock", None))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"--clock: {error}", file=sys.stderr)
        return 2
    secrets = [t.get_secret_value() for t in (settings.telegram.token, settings.discord.token) if t]
    configure(args.verbose, secrets)
    hide = redactor(secrets)
    sys.excepthook = lambda kind, error, tb: print(  # never a traceback with a token in it
        f"haven: {kind.__name__}: {hide(str(error))}", file=sys.stderr
    )
    mode = args.mode or "run"
    has_token = settings.telegram.token is not None or settings.discord.token is not None
    try:
        if mode == "run" and has_token:
            from bot.runner import run_platforms

            return asyncio.run(run_platforms(settings))
        return asyncio.run(run_console(settings, start))
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # one line, redacted: a library's message may hold the token
        logging.getLogger("bot").debug("stopped by an error", exc_info=True)
        print(f"haven: {type(error).__name__}: {hide(str(error))}", file=sys.stderr)
        return 1
