"""What a database library costs per statement, beside the raw driver, on both engines.

The question it answers (issue: one storage seam, two engines): does SQLAlchemy 2 Core, the
well-kept way to speak to SQLite and PostgreSQL alike, cost more per statement than it saves in
code? Each variant runs the same statements, on the same table with the same index, in
transactions of 100 statements (so the figure is the library's cost, not the disk's), after a
warm-up, against a real PostgreSQL server this script starts (tests/pgserver.py) and a SQLite
file in WAL mode.

    .venv/bin/python bench/engine_overhead.py [--rows 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import aiosqlite
import asyncpg
from pgserver import PgServer
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

BATCH = 100
metadata = MetaData()
checkins = Table(
    "checkins",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, nullable=False, index=True),
    Column("mood", Integer, nullable=False),
    Column("note", String),
    Column("at", String, nullable=False),
)
CREATE = (
    "CREATE TABLE checkins (id {serial} PRIMARY KEY, member_id INTEGER NOT NULL, "
    "mood INTEGER NOT NULL, note TEXT, at TEXT NOT NULL)"
)
INDEX = "CREATE INDEX ix_checkins_member_id ON checkins (member_id)"


def row(i: int) -> tuple[int, int, str, str]:
    return (i % 500, 1 + i % 5, f"note {i}", f"2026-01-05T08:{i % 60:02d}:00+00:00")


async def timed(label: str, rows: int, work: Callable[[int], Awaitable[None]]) -> float:
    await work(min(rows, 500))  # warm-up: plans, statement caches, pages
    start = time.perf_counter()
    await work(rows)
    per = (time.perf_counter() - start) / (2 * rows) * 1e6  # an insert and a select per row
    print(f"  {label:<34} {per:7.1f} µs a statement")
    return per


async def sqlite_raw(path: Path, rows: int) -> float:
    async with aiosqlite.connect(path) as db:
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute(CREATE.format(serial="INTEGER"))
        await db.execute(INDEX)
        await db.commit()

        async def work(n: int) -> None:
            for start in range(0, n, BATCH):
                await db.execute("BEGIN")
                for i in range(start, min(n, start + BATCH)):
                    cursor = await db.execute(
                        "INSERT INTO checkins (member_id, mood, note, at) VALUES (?, ?, ?, ?)",
                        row(i),
                    )
                    async with db.execute(
                        "SELECT mood, note FROM checkins WHERE id = ?", (cursor.lastrowid,)
                    ) as found:
                        await found.fetchone()
                await db.commit()

        return await timed("SQLite, aiosqlite", rows, work)


async def pg_raw(dsn: str, rows: int) -> float:
    db = await asyncpg.connect(dsn)
    try:
        await db.execute("DROP TABLE IF EXISTS checkins")
        await db.execute(CREATE.format(serial="SERIAL"))
        await db.execute(INDEX)

        async def work(n: int) -> None:
            for start in range(0, n, BATCH):
                async with db.transaction():
                    for i in range(start, min(n, start + BATCH)):
                        new_id = await db.fetchval(
                            "INSERT INTO checkins (member_id, mood, note, at) "
                            "VALUES ($1, $2, $3, $4) RETURNING id",
                            *row(i),
                        )
                        await db.fetchrow("SELECT mood, note FROM checkins WHERE id = $1", new_id)

        return await timed("PostgreSQL, asyncpg", rows, work)
    finally:
        await db.close()


async def alchemy(url: str, rows: int, label: str, core: bool) -> float:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.drop_all)
            await conn.run_sync(metadata.create_all)
        add = text(
            "INSERT INTO checkins (member_id, mood, note, at) VALUES (:m, :mood, :note, :at) "
            "RETURNING id"
        )
        get = text("SELECT mood, note FROM checkins WHERE id = :id")

        async def work(n: int) -> None:
            async with engine.connect() as conn:
                for start in range(0, n, BATCH):
                    async with conn.begin():
                        for i in range(start, min(n, start + BATCH)):
                            m, mood, note, at = row(i)
                            if core:
                                result = await conn.execute(
                                    insert(checkins)
                                    .values(member_id=m, mood=mood, note=note, at=at)
                                    .returning(checkins.c.id)
                                )
                                new_id = result.scalar_one()
                                found = await conn.execute(
                                    select(checkins.c.mood, checkins.c.note).where(
                                        checkins.c.id == new_id
                                    )
                                )
                            else:
                                result = await conn.execute(
                                    add, {"m": m, "mood": mood, "note": note, "at": at}
                                )
                                new_id = result.scalar_one()
                                found = await conn.execute(get, {"id": new_id})
                            found.first()

        return await timed(label, rows, work)
    finally:
        await engine.dispose()


async def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder, PgServer(durable=True) as pg:
        base = Path(folder)
        dsn = pg.dsn
        url = dsn.replace("postgresql://", "postgresql+asyncpg://")
        print(f"{rows} inserts and {rows} selects by id, {BATCH} a transaction, after a warm-up")
        print("SQLite (WAL file)")
        raw = await sqlite_raw(base / "raw.db", rows)
        sql_text = await alchemy(
            f"sqlite+aiosqlite:///{base / 'text.db'}", rows, "SQLAlchemy text()", False
        )
        sql_core = await alchemy(
            f"sqlite+aiosqlite:///{base / 'core.db'}", rows, "SQLAlchemy Core", True
        )
        print(f"  SQLAlchemy costs {sql_text / raw:.2f}× (text) and {sql_core / raw:.2f}× (Core)")
        print("PostgreSQL 15 (durable defaults)")
        raw = await pg_raw(dsn, rows)
        pg_text = await alchemy(url, rows, "SQLAlchemy text()", False)
        pg_core = await alchemy(url, rows, "SQLAlchemy Core", True)
        print(f"  SQLAlchemy costs {pg_text / raw:.2f}× (text) and {pg_core / raw:.2f}× (Core)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    asyncio.run(main(parser.parse_args().rows))
