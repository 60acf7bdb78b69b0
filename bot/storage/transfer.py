"""`haven migrate --to postgresql://...`: a community's whole history, from the SQLite file
to an empty PostgreSQL database, every id kept, verified by counting each table on both sides.

The SQLite side is brought to the newest schema first (a copy is kept, as at any upgrade),
then read inside one read transaction, so what is copied is one moment of it even while
Haven still runs on it (WAL). The PostgreSQL side takes everything in one transaction: a
failed copy leaves it empty. Stop Haven on SQLite before the copy and start it on PostgreSQL
after, so nothing written in between is left behind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bot.storage.database import Database
from bot.storage.postgres import PgDatabase

# Parents before children (foreign keys); every table of the schema but the search index.
TABLES = (
    "members",
    "communities",
    "community_members",
    "consents",
    "checkins",
    "member_streaks",
    "checkin_counts",
    "rules",
    "resources",
    "resource_hidden",
    "resource_suggestions",
    "milestones",
    "celebrations",
    "community_celebrations",
    "schedules",
    "firings",
    "outbox",
    "inbound_updates",
    "safety_plans",
    "events",
    "rsvps",
    "event_ratings",
)


class TransferError(RuntimeError):
    """Why nothing was copied, in one line."""


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int


async def migrate_to_postgres(
    source: Path, target: str, say: Callable[[str], object] = print
) -> list[Copied]:
    sqlite_db = Database(source)
    await sqlite_db.open()  # the newest schema first (with a copy of the file before it)
    await sqlite_db.close()
    pg = PgDatabase(target, min_size=1, max_size=2)
    await pg.open()
    try:
        async with pg.pool.acquire() as conn:
            for table in TABLES:
                if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
                    raise TransferError(
                        f"the PostgreSQL database already holds {table}; copy into an empty one"
                    )
            columns = {table: await _columns(conn, table) for table in TABLES}
            copied: list[Copied] = []
            with sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as lite:
                lite.execute("BEGIN")  # one snapshot of the whole file
                async with conn.transaction():
                    for table in TABLES:
                        names = columns[table]
                        rows = lite.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall()
                        if rows:
                            await conn.copy_records_to_table(table, records=rows, columns=names)
                        if "id" in names:  # new rows go on after the copied ids
                            await conn.execute(
                                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"GREATEST((SELECT max(id) FROM {table}), 1), "
                                f"(SELECT max(id) IS NOT NULL FROM {table}))"
                            )
                        there = await conn.fetchval(f"SELECT count(*) FROM {table}")
                        if there != len(rows):
                            raise TransferError(
                                f"{table}: {len(rows)} rows read, {there} in PostgreSQL"
                            )
                        copied.append(Copied(table, len(rows)))
                        say(f"{table}: {len(rows)} rows")
                lite.execute("COMMIT")
            return copied
    finally:
        await pg.close()


async def _columns(conn: asyncpg.Connection, table: str) -> list[str]:
    """The table's stored columns on PostgreSQL (not the generated search document)."""
    rows = await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
        "AND is_generated = 'NEVER' ORDER BY ordinal_position",
        table,
    )
    return [r[0] for r in rows]
