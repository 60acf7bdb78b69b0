"""PostgreSQL behind the same face as bot/storage/database.py: asyncpg's pool, numbered
migrations from data/migrations/postgresql, and the repositories' SQL as written for both
engines.

Why no SQLAlchemy: bench/engine_overhead.py measured it at 3.5× the raw driver's cost per
statement on PostgreSQL (2.8× on SQLite) for the same statements, and Haven's SQL is mostly
the common dialect already. What differs is small and kept here: `?` placeholders become `$1`,
`$2`...; an INSERT into a table with an `id` returns it (SQLite's lastrowid); the few
statements that must differ are chosen by `Database.dialect` in their repository.

Writes: concurrent `write`s share a transaction (group commit, see `write`); a `transaction`
block is one PostgreSQL transaction on a pooled connection. A write returns only after its
COMMIT, so "recorded" is said only of what is durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import asyncpg

from bot import DATA_DIR
from bot.storage.database import MIGRATION_NAME, Outcome, Statement
from bot.storage.engine import shown
from bot.storage.invalidation import CACHE_CHANNEL, Invalidations

log = logging.getLogger(__name__)
MIGRATIONS = DATA_DIR / "migrations" / "postgresql"
PEER_NAME = "haven-process-"  # application_name of each process's listening connection
MIGRATION_LOCK = 7_236_110  # an advisory lock: one process migrates, the others wait
FLOOD_LOCK = 7_236_112  # an advisory lock: one process at a time takes a place in flood_places
# A place among the last `window` seconds' sends: taken when fewer than `cap` are there (the
# older ones are cleared on the way); else how long until the oldest leaves the window.
FLOOD_PLACE = """
WITH gone AS (
    DELETE FROM flood_places WHERE platform = $1 AND taken_at < clock_timestamp() - $2::interval
), recent AS (
    SELECT count(*) AS n, min(taken_at) AS oldest FROM flood_places
    WHERE platform = $1 AND taken_at >= clock_timestamp() - $2::interval
), taken AS (
    INSERT INTO flood_places (platform, taken_at)
    SELECT $1, clock_timestamp() FROM recent WHERE n < $3
)
SELECT n < $3 AS taken,
       extract(epoch FROM oldest + $2::interval - clock_timestamp())::float8 AS wait
FROM recent
"""
# Tables whose rows have an `id` a caller may want back (SQLite's lastrowid).
ID_TABLES = frozenset(
    {
        "members",
        "communities",
        "checkins",
        "rules",
        "resources",
        "milestones",
        "schedules",
        "events",
        "outbox",
        "talks",
        "urgent_alerts",
        "shares",
        "feedback",
        "resource_suggestions",
        "polls",
        "kudos",
        "reports",
    }
)
INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+([a-z_]+)", re.IGNORECASE)
ROWS = re.compile(r"^\s*(SELECT|WITH|VALUES)\b|\bRETURNING\b", re.IGNORECASE)


def pg_migrations(folder: Path = MIGRATIONS) -> list[tuple[int, Path]]:
    """Numbered files in a run without gaps; the first may start above 1 (the schema as
    SQLite's migrations had left it when PostgreSQL came)."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            raise RuntimeError(f"migration file name must look like 017_name.sql: {path.name}")
        found.append((int(match.group(1)), path))
    numbers = [n for n, _ in found]
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise RuntimeError(f"PostgreSQL migrations must follow each other, found {numbers}")
    return found


NAMED = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)", re.IGNORECASE)


@lru_cache(maxsize=2048)
def translate(sql: str) -> tuple[str, bool, bool, tuple[str, ...]]:
    """The statement in PostgreSQL's terms: `?` (or `:name`) become `$n`, never inside a
    quoted literal or a `::type` cast; an INSERT into an id table without RETURNING returns
    the id. Also says whether it returns rows, whether the first column returned is the new
    id, and the names in `$n` order for a statement with named parameters."""
    out: list[str] = []
    names: list[str] = []
    number = 0
    parts = re.split(r"('(?:[^']|'')*')", sql)  # literals at odd positions
    for index, part in enumerate(parts):
        if index % 2:
            out.append(part)
            continue

        def named(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"

        part = NAMED.sub(named, part)
        pieces = part.split("?")
        chunk = [pieces[0]]
        for piece in pieces[1:]:
            number += 1
            chunk.append(f"${number}{piece}")
        out.append("".join(chunk))
    text = "".join(out)
    returns_id = False
    insert = INSERT_INTO.match(text)
    if (
        insert
        and insert.group(1).lower() in ID_TABLES
        and not re.search(r"\bRETURNING\b", text, re.IGNORECASE)
    ):
        text = f"{text.rstrip().rstrip(';')} RETURNING id"
        returns_id = True
    return text, bool(ROWS.search(text)), returns_id, tuple(names)


def _args(names: tuple[str, ...], params: object) -> tuple[object, ...]:
    if isinstance(params, Mapping):
        return tuple(params[name] for name in names)
    return tuple(params)  # type: ignore[call-overload]


def _rowcount(status: str) -> int:
    """asyncpg answers a write with its command tag: "UPDATE 3", "INSERT 0 1", "DELETE 0"."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


async def _run(conn: asyncpg.Connection, sql: str, params: object) -> Outcome:
    text, returns_rows, returns_id, names = translate(sql)
    args = _args(names, params)
    if returns_rows:
        rows = await conn.fetch(text, *args)
        new_id = int(rows[0][0]) if returns_id and rows else 0
        return Outcome(new_id, len(rows), [] if returns_id else list(rows))
    status = await conn.execute(text, *args)
    return Outcome(0, _rowcount(status), [])


async def keep_session(conn: asyncpg.Connection) -> None:
    """What the pool does to a connection it takes back: nothing. Its default (unlock advisory
    locks, close cursors, UNLISTEN, RESET ALL) costs a round trip per use, and pooled
    connections here never lock, listen or SET (the leader and the cache listener have
    connections of their own; the migration lock is released where it is taken)."""


class PgCursor:
    """What the repositories read of a statement run inside `transaction()`: as aiosqlite's
    cursor, awaited or used with `async with`."""

    def __init__(self, conn: asyncpg.Connection, sql: str, params: object) -> None:
        self._conn, self._sql, self._params = conn, sql, params
        self._rows: list[Any] = []
        self.rowcount = 0
        self.lastrowid = 0

    async def _go(self) -> PgCursor:
        outcome = await _run(self._conn, self._sql, self._params)
        self._rows, self.rowcount, self.lastrowid = (
            outcome.rows,
            outcome.rowcount,
            outcome.lastrowid,
        )
        return self

    def __await__(self):  # type: ignore[no-untyped-def]
        return self._go().__await__()

    async def __aenter__(self) -> PgCursor:
        return await self._go()

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[Any]:
        return list(self._rows)


class PgConnection:
    """A connection inside one transaction, with the calls the repositories make."""

    dialect = "postgresql"

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: object = ()) -> PgCursor:
        return PgCursor(self._conn, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        text, _, returns_id, _ = translate(sql)
        if returns_id:  # executemany returns nothing; the ids are not wanted here
            text = text.removesuffix(" RETURNING id")
        await self._conn.executemany(text, [tuple(r) for r in rows])

    async def execute_fetchall(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        return await (await self.execute(sql, params)).fetchall()


BATCH_WRITES = 200  # writes in one group commit at most


@dataclass
class _PgPlan:
    """One caller's write, waiting for a connection to take it into a transaction."""

    statements: tuple[Statement, ...]
    result: asyncio.Future[list[Outcome]]


class PgDatabase(Invalidations):
    """The PostgreSQL engine; `url` is a postgresql:// address (libpq's, as asyncpg takes)."""

    dialect = "postgresql"

    def __init__(self, url: str, *, min_size: int = 2, max_size: int = 10) -> None:
        super().__init__()
        self.url = url
        self.path = shown(url)  # where the database is, for messages: never its password
        self._pool: asyncpg.Pool | None = None
        self._sizes = (min_size, max_size)
        self.batches = 0  # COMMITs of writes, as the SQLite engine counts them
        self.writes = 0
        self._notices: set[asyncio.Task[None]] = set()
        self._listener: asyncpg.Connection | None = None
        self._listening: asyncio.Task[None] | None = None
        self._queue: deque[_PgPlan] = deque()
        self._writers = max(1, max_size // 2)  # the rest of the pool stays free for reads
        # Drainers still taking writes: not len(_drainers), which holds a drainer until its
        # task ends, after it has stopped taking writes (a write queued then would wait).
        self._draining = 0
        self._drainers: set[asyncio.Task[None]] = set()

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(
            self.url, min_size=self._sizes[0], max_size=self._sizes[1], reset=keep_session
        )
        try:
            await self._migrate()
            await self._listen()
        except BaseException:
            await self.close()
            raise
        self._listening = asyncio.get_running_loop().create_task(
            self._keep_listening(), name="haven-cache-notices"
        )

    async def _listen(self) -> None:
        # Named, so processes can count each other (peers).
        self._listener = await asyncpg.connect(
            self.url, server_settings={"application_name": f"{PEER_NAME}{os.getpid()}"}
        )
        await self._listener.add_listener(CACHE_CHANNEL, self._heard)

    def _heard(self, conn: object, pid: int, channel: str, payload: str) -> None:
        found = self.parse(payload)
        if found is not None:
            self.heard(*found)

    async def _keep_listening(self) -> None:
        """A notice missed while the listening connection was away could leave a cache
        wrong: after a reconnection every cache starts afresh."""
        while True:
            await asyncio.sleep(1.0)
            if self._listener is not None and not self._listener.is_closed():
                continue
            try:
                await self._listen()
            except (OSError, asyncpg.PostgresError) as error:
                log.warning("cache notices: cannot listen (%s); trying again", error)
                continue
            self.forget_all()

    def tell_others(self, kind: str, key: int | None) -> None:
        self.notify_soon(CACHE_CHANNEL, f"{kind}:{'*' if key is None else key}")

    async def close(self) -> None:
        if self._drainers:  # writes already asked for are finished, not dropped
            await asyncio.gather(*list(self._drainers), return_exceptions=True)
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listening
            self._listening = None
        if self._notices:
            await asyncio.gather(*self._notices, return_exceptions=True)
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._listener.close(), 2.0)
            self._listener = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool

    async def _migrate(self) -> None:
        """Apply the files not yet applied, each in its own transaction, under an advisory
        lock so that of several processes starting at once one migrates and the rest wait."""
        known = pg_migrations()
        async with self.pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
                )
                current = await conn.fetchval("SELECT max(version) FROM schema_version") or 0
                newest = known[-1][0] if known else 0
                if current > newest:
                    raise RuntimeError(
                        f"the database is at schema {current}, newer than this version of "
                        f"Haven knows ({newest}); run the newer Haven"
                    )
                for number, path in known:
                    if number <= current:
                        continue
                    log.info("applying PostgreSQL migration %s", path.name)
                    async with conn.transaction():
                        await conn.execute(path.read_text(encoding="utf-8"))
                        await conn.execute("INSERT INTO schema_version VALUES ($1)", number)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)

    def notify_soon(self, channel: str, payload: str) -> None:
        """Tell every process listening on `channel` (the leader: bot/delivery/leader.py);
        sent in the background, after the caller's own commit."""
        task = asyncio.get_running_loop().create_task(self._notify(channel, payload))
        self._notices.add(task)
        task.add_done_callback(self._notices.discard)

    async def _notify(self, channel: str, payload: str) -> None:
        try:
            await self.pool.execute("SELECT pg_notify($1, $2)", channel, payload)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            log.warning("could not tell the leader about a change: %s", error)

    async def peers(self) -> int:
        """How many Haven processes use this database now (each holds one listening
        connection, named for it): they share the platforms' rate limits."""
        count = await self.pool.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name LIKE $1",
            f"{PEER_NAME}%",
        )
        return max(int(count or 0), 1)

    async def flood_wait(self, platform: str, cap: int, window: float) -> float:
        """0 once this process has taken a place among the bot's sends on `platform` in the
        last `window` seconds (there were fewer than `cap`), else the seconds until one frees.
        Under an advisory lock, so two processes never both take the last place; not waited
        for on disk (synchronous_commit off): a place matters for a second."""
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "SELECT set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock($1)",
                FLOOD_LOCK,
            )
            row = await conn.fetchrow(FLOOD_PLACE, platform, timedelta(seconds=window), cap)
        if row["taken"]:
            return 0.0
        return max(float(row["wait"] or 0.0), 0.001)

    async def schema_version(self) -> int:
        return int(await self.pool.fetchval("SELECT max(version) FROM schema_version") or 0)

    # ------------------------------------------------------------------ writes

    async def write(self, *statements: Statement) -> list[Outcome]:
        """Statements known in advance, one transaction, committed when this returns.

        Group commit, as on SQLite: a write waits in a queue that at most `_writers`
        connections drain; each takes every write waiting (up to BATCH_WRITES) into one
        transaction, so 100 members checking in at once share a few WAL flushes instead of
        paying one each. A write alone is its own transaction with no BEGIN or COMMIT round
        trips. If a batch fails, each of its writes is run again alone, so one bad write
        never takes its neighbours down with it."""
        plan = _PgPlan(statements, asyncio.get_running_loop().create_future())
        self._queue.append(plan)
        if self._draining < self._writers:
            self._draining += 1
            task = asyncio.get_running_loop().create_task(self._drain(), name="haven-pg-writer")
            self._drainers.add(task)
            task.add_done_callback(self._drainers.discard)
        return await plan.result

    async def _drain(self) -> None:
        try:
            while self._queue:
                plans: list[_PgPlan] = []
                while self._queue and len(plans) < BATCH_WRITES:
                    plan = self._queue.popleft()
                    if not plan.result.done():  # its caller may have given up
                        plans.append(plan)
                if plans:
                    await self._commit(plans)
        finally:
            self._draining -= 1

    async def _commit(self, plans: list[_PgPlan]) -> None:
        try:
            async with self.pool.acquire() as conn:
                if len(plans) == 1 and len(plans[0].statements) == 1:
                    [statement] = plans[0].statements
                    ran = [[await _run(conn, statement.sql, statement.params)]]
                else:
                    async with conn.transaction():
                        ran = [
                            [await _run(conn, s.sql, s.params) for s in plan.statements]
                            for plan in plans
                        ]
        except Exception as error:
            if len(plans) > 1 and isinstance(error, asyncpg.PostgresError):
                for plan in plans:  # the server rolled the batch back: each on its own
                    await self._commit([plan])
                return
            for plan in plans:  # alone, or the connection lost: whether it committed is unknown
                if not plan.result.done():
                    plan.result.set_exception(error)
            return
        self.batches += 1
        self.writes += len(plans)
        for plan, outcomes in zip(plans, ran, strict=True):
            if not plan.result.done():
                plan.result.set_result(outcomes)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgConnection]:
        """The body as one transaction; committed when the block ends, undone on an error."""
        async with self.pool.acquire() as conn, conn.transaction():
            yield PgConnection(conn)
        self.batches += 1
        self.writes += 1

    async def execute(self, sql: str, params: Iterable[object] = ()) -> int:
        [outcome] = await self.write(Statement(sql, tuple(params)))
        return outcome.lastrowid

    async def write_returning(self, sql: str, params: Iterable[object] = ()) -> list[Any]:
        values = params if isinstance(params, Mapping) else tuple(params)
        [outcome] = await self.write(Statement(sql, values))
        return outcome.rows

    async def trace(self, callback: Callable[[str], object] | None) -> None:
        """Statement tracing is SQLite's (the query-plan test); nothing here."""

    # ------------------------------------------------------------------ reads

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        text, _, _, names = translate(sql)
        return list(await self.pool.fetch(text, *_args(names, params)))

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Any:
        text, _, _, names = translate(sql)
        return await self.pool.fetchrow(text, *_args(names, params))
