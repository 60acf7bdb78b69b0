"""`haven run | console | check | invite | backup`.

`run` starts the configured platforms, or the console when no token is set and this is a
terminal; `check` validates the configuration and reaches each platform once; `invite` prints
where to add the bot; `backup` copies the database, safely while the bot runs."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.logsetup import configure, redactor
from bot.settings import ConfigError, Settings, load_settings
from bot.storage.engine import is_postgres, password, shown, sqlite_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="haven", description="Haven peer-support bot")
    parser.add_argument("--config", type=Path, help="TOML file (default: ./config.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="mode")
    sub.add_parser("run", help="run the configured adapters (console when no token is set)")
    console = sub.add_parser("console", help="talk to Haven in this terminal")
    for p in (sub.choices["run"], console):
        p.add_argument("--clock", help="console: start the simulated clock here (ISO time)")
    sub.add_parser("check", help="validate the configuration and reach each platform once")
    sub.add_parser("invite", help="print where to add the bot (Discord invite, Telegram link)")
    backup = sub.add_parser("backup", help="copy the database (safe while the bot runs)")
    backup.add_argument(
        "target", nargs="?", type=Path, help="file or folder (default: beside the database)"
    )
    migrate = sub.add_parser(
        "migrate", help="copy the SQLite history into an empty PostgreSQL database"
    )
    migrate.add_argument("--to", required=True, help="postgresql://user@host/database")
    for p in sub.choices.values():
        p.add_argument("--config", type=Path, default=argparse.SUPPRESS)
        p.add_argument(
            "--database", help="SQLite file or postgresql:// address (overrides bot.database)"
        )
    return parser


NO_TERMINAL = (
    "haven: no platform token is configured and there is no terminal for the console.\n"
    "Set telegram.token or discord.token in config.toml (or HAVEN_TELEGRAM__TOKEN, "
    "HAVEN_DISCORD__TOKEN), or run `haven console` to talk to Haven here."
)


def _backup(settings: Settings, target: Path | None) -> int:
    from bot.storage.backup import backup

    if is_postgres(settings.bot.database):
        print(
            "haven: bot.database is PostgreSQL: back it up with pg_dump (see docs/deploy.md)",
            file=sys.stderr,
        )
        return 2
    source = sqlite_path(settings.bot.database)
    try:
        written = backup(source, target or source.parent)
    except (OSError, sqlite3.Error) as error:
        print(f"haven: backup failed: {error}", file=sys.stderr)
        return 1
    print(f"backup: {written} ({written.stat().st_size / 1e6:.1f} MB)")
    return 0


async def _migrate(settings: Settings, target: str) -> int:
    """Copy bot.database (SQLite) into `target` (PostgreSQL), then say how to switch."""
    from bot.storage.transfer import TransferError, migrate_to_postgres

    if not is_postgres(target):
        print("haven: --to takes a postgresql:// address", file=sys.stderr)
        return 2
    if is_postgres(settings.bot.database):
        print(
            "haven: bot.database is PostgreSQL already; migrate copies from SQLite", file=sys.stderr
        )
        return 2
    source = sqlite_path(settings.bot.database)
    if not source.is_file():
        print(f"haven: no SQLite database at {source}", file=sys.stderr)
        return 2
    try:
        copied = await migrate_to_postgres(source, target)
    except TransferError as error:
        print(f"haven: nothing copied: {error}", file=sys.stderr)
        return 1
    total = sum(c.rows for c in copied)
    print(
        f"copied {total} rows in {len(copied)} tables, counts checked; set "
        f'bot.database = "{shown(target)}" and start Haven'
    )
    return 0


async def _check(settings: Settings, config: Path | None) -> int:
    """One line per part; exit 1 when any part has a problem."""
    from bot.storage.database import migrations

    problems = 0
    where = config or Path("config.toml")
    print(f"config: ok ({where})" if where.is_file() else "config: ok (no file; defaults)")
    if is_postgres(settings.bot.database):
        line, ok = await _probe_postgres(settings.bot.database)
        print(line)
        problems += not ok
        return await _check_platforms(settings, problems)
    database = sqlite_path(settings.bot.database)
    latest = len(migrations())
    if database.is_file():
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
                (version,) = conn.execute("PRAGMA user_version").fetchone()
        except sqlite3.Error as error:
            print(f"database: cannot be read: {database} ({error})")
            return 1
        note = "up to date" if version == latest else f"will migrate {version} -> {latest}"
        print(f"database: ok, {database} (schema {version}, {note})")
    elif os.access(database.parent if database.parent.exists() else Path.cwd(), os.W_OK):
        print(f"database: ok, {database} will be created at the first start")
    else:
        print(f"database: problem: cannot create {database} (folder not writable)")
        problems += 1
    return await _check_platforms(settings, problems)


async def _probe_postgres(database: str) -> tuple[str, bool]:
    """Reach the PostgreSQL server once and read the schema's version; never the password."""
    import asyncpg

    from bot.storage.postgres import pg_migrations

    where = shown(database)
    try:
        conn = await asyncpg.connect(database, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        return (
            f"database: problem: cannot reach PostgreSQL at {where} ({type(error).__name__})",
            False,
        )
    try:
        exists = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
        version = await conn.fetchval("SELECT max(version) FROM schema_version") if exists else 0
    finally:
        await conn.close()
    latest = pg_migrations()[-1][0]
    if not version:
        return f"database: ok, PostgreSQL at {where} (empty; tables made at the first start)", True
    if version > latest:
        return f"database: problem: {where} is at schema {version}, newer than this Haven", False
    note = "up to date" if version == latest else f"will migrate {version} -> {latest}"
    return f"database: ok, PostgreSQL at {where} (schema {version}, {note})", True


async def _check_platforms(settings: Settings, problems: int) -> int:
    from adapters.probe import probe_all

    found = await probe_all(settings)
    if not found:
        print("platforms: none configured; `haven run` needs a token (or use `haven console`)")
    for part in found:
        print(part.line)
        problems += not part.ok
    return 1 if problems else 0


async def _invite(settings: Settings) -> int:
    from adapters.probe import probe_all

    found = await probe_all(settings)
    if not found:
        print("haven: no platform token is configured; nothing to invite to", file=sys.stderr)
        return 2
    for part in found:
        platform = part.line.split(":", 1)[0]
        if part.invite is None:
            print(f"{platform}: no invite ({part.line.split(': ', 1)[1]})")
        else:
            print(f"{platform}: {part.invite}")
    return 0 if all(part.invite for part in found) else 1


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
            settings.bot.database = str(args.database)
        start = _start_time(getattr(args, "clock", None))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"--clock: {error}", file=sys.stderr)
        return 2
    secrets = [
        t.get_secret_value()
        for t in (settings.telegram.token, settings.discord.token, settings.telegram.webhook_secret)
        if t
    ]
    if password(settings.bot.database):
        secrets.append(password(settings.bot.database) or "")
    configure(args.verbose, secrets)
    hide = redactor(secrets)
    sys.excepthook = lambda kind, error, tb: print(  # never a traceback with a token in it
        f"haven: {kind.__name__}: {hide(str(error))}", file=sys.stderr
    )
    mode = args.mode or "run"
    has_token = settings.telegram.token is not None or settings.discord.token is not None
    try:
        if mode == "backup":
            return _backup(settings, args.target)
        if mode == "check":
            return asyncio.run(_check(settings, args.config))
        if mode == "migrate":
            return asyncio.run(_migrate(settings, args.to))
        if mode == "invite":
            return asyncio.run(_invite(settings))
        if mode == "run" and has_token:
            from bot.runner import run_platforms

            return asyncio.run(run_platforms(settings))
        if mode == "run" and not sys.stdin.isatty():
            print(NO_TERMINAL, file=sys.stderr)  # a service manager's silent exit 0 misleads
            return 2
        return asyncio.run(run_console(settings, start))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`haven console ... | head`): end quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit's own flush cannot fail again
        return 0
    except Exception as error:  # one line, redacted: a library's message may hold the token
        logging.getLogger("bot").debug("stopped by an error", exc_info=True)
        print(f"haven: {type(error).__name__}: {hide(str(error))}", file=sys.stderr)
        return 1
