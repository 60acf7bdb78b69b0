"""One aiosqlite connection, WAL, foreign keys, and numbered migrations from data/migrations.

Writes are committed before a caller may say "recorded", and they are committed together: a
write waits for its turn in the current batch, runs (inside a savepoint when others share the
transaction, so one failure undoes only itself), and returns once the batch's single COMMIT
(one fsync) is done. Concurrent check-ins then share a commit instead of queueing for one
each. A write known in advance (`write`: statements whose parameters do not depend on each
other's results) runs with the others waiting beside it in one call on the connection's
thread, so a batch of them costs the event loop one round trip instead of several per write;
`transaction` is for a write that must read before it decides. A batch stops taking new
writes after `BATCH_WRITES` of them or `BATCH_SECONDS`, so no batch holds the connection for
long. The repositories hold the SQL; this module only holds the connection's life cycle and
the batching. (The one call on the connection's thread goes through aiosqlite's `_execute`,
the method all of its own calls use; the test suite runs every write through it.)
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import re
import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot import DATA_DIR
from bot.storage.backup import backup, before_migration
from bot.storage.invalidation import Invalidations

log = logging.getLogger(__name__)
MIGRATIONS = DATA_DIR / "migrations"
MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# Set while a timed job runs: its reads go through a connection of their own, so a member's
# command never queues behind a summary's or a fan-out's reads.
BACKGROUND: contextvars.ContextVar[bool] = contextvars.ContextVar("background", default=False)
CHECKPOINT_EVERY = 1.0  # seconds between two checkpoints of the write-ahead log
BATCH_WRITES = 256  # writes sharing one commit at most
BATCH_SECONDS = 0.025  # after this, a batch commits and the next one starts
OK, UNDONE, ROLLED_BACK = "ok", "undone", "rolled back"  # how a write in a batch ended


def stamp(moment: datetime) -> str:
    """Stored times are UTC ISO text, so they sort and compare as strings."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def unstamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def migrations(folder: Path = MIGRATIONS) -> list[tuple[int, Path]]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            raise RuntimeError(f"migration file name must look like 001_name.sql: {path.name}")
        found.append((int(match.group(1)), path))
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {numbers}")
    return found


Params = Sequence[object] | Mapping[str, object]


@dataclass(frozen=True)
class Statement:
    """One statement of a write known in advance."""

    sql: str
    params: Params = ()


@dataclass(frozen=True)
class Outcome:
    """What one statement of a `write` left: its rowid, the rows it changed, the rows it
    returned (a RETURNING clause)."""

    lastrowid: int
    rowcount: int
    rows: list[sqlite3.Row]


def _run_plans(conn: sqlite3.Connection, plans: list[tuple[Statement, ...]]) -> list[object]:
    """On the connection's thread, inside the batch's transaction: each plan in a savepoint of
    its own, so a failing one undoes only itself. Returns a list of outcomes or the error for
    each plan run; stops early (the rest are run later) if SQLite rolled the whole transaction
    back, as it does on a full disk or an I/O error."""
    results: list[object] = []
    for plan in plans:
        try:
            conn.execute("SAVEPOINT plan")
        except Exception as error:
            results.append(error)
            break
        try:
            outcomes = []
            for statement in plan:
                cursor = conn.execute(statement.sql, statement.params)
                rows = cursor.fetchall()
                outcomes.append(Outcome(cursor.lastrowid or 0, cursor.rowcount, rows))
            conn.execute("RELEASE plan")
        except Exception as error:
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK TO plan")
                conn.execute("RELEASE plan")
            results.append(error)
            if not conn.in_transaction:
                break
            continue
        results.append(outcomes)
    return results


def _run_batch(
    conn: sqlite3.Connection, plans: list[tuple[Statement, ...]]
) -> tuple[list[object], Exception | None]:
    """A whole batch of plans on the connection's thread: BEGIN, each plan, COMMIT. Returns
    each plan's outcome or error as `_run_plans` does, and the error that kept the batch from
    being committed (then none of it was kept)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except Exception as error:
        return [], error
    results = _run_plans(conn, plans)
    try:
        if not conn.in_transaction:
            raise sqlite3.OperationalError("SQLite rolled the transaction back")
        conn.execute("COMMIT")
    except Exception as error:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        return results, error
    return results, None


@dataclass(eq=False)
class _Plan:
    """A write known in advance, waiting for its batch; `result` is set after the COMMIT."""

    statements: tuple[Statement, ...]
    result: asyncio.Future[list[Outcome]]
    outcomes: list[Outcome] = field(default_factory=list)


@dataclass(eq=False)
class _Turn:
    """One write's place in a batch: granted (with whether it needs its own savepoint),
    done (whether it succeeded), committed (the batch's COMMIT, or its error)."""

    granted: asyncio.Future[bool]
    done: asyncio.Future[str]  # OK, UNDONE (failed; the transaction goes on) or ROLLED_BACK
    committed: asyncio.Future[None] = field(init=False)

    def __post_init__(self) -> None:
        self.committed = self.granted.get_loop().create_future()


class Database(Invalidations):
    dialect = "sqlite"

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = str(path)
        self._conn: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None  # reads, beside the writes (WAL)
        self._background: aiosqlite.Connection | None = None  # reads of timed jobs
        self._checkpoints: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # the connection: one read or one write batch at a time
        self._waiting: deque[_Turn | _Plan] = deque()
        self._writer: asyncio.Task[None] | None = None
        self.batches = 0  # COMMITs of write batches, for tests and benches
        self.writes = 0  # writes committed in them

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = FULL")  # a commit survives a power cut
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        self._conn = conn
        try:
            await self._migrate()
        except BaseException:
            await self.close()  # else the connection's thread keeps the process alive
            raise
        if self.path != ":memory:":
            self._reader = await self._read_only()
            self._background = await self._read_only()
            # SQLite's own checkpoint runs inside a COMMIT, on the writer, and made a check-in
            # wait 100-170 ms now and then; the log is checkpointed beside the writes instead.
            await conn.execute("PRAGMA wal_autocheckpoint = 0")
            self._checkpoints = asyncio.get_running_loop().create_task(
                self._checkpoint_log(), name="haven-db-checkpoints"
            )

    async def _read_only(self) -> aiosqlite.Connection:
        reader = await aiosqlite.connect(self.path, isolation_level=None)
        reader.row_factory = aiosqlite.Row
        await reader.execute("PRAGMA query_only = ON")
        await reader.execute("PRAGMA busy_timeout = 5000")
        return reader

    async def close(self) -> None:
        if self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)  # writes already waiting are committed first
        if self._checkpoints is not None:
            self._checkpoints.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checkpoints
            self._checkpoints = None
            with contextlib.suppress(aiosqlite.Error):
                await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for reader in (self._reader, self._background):
            if reader is not None:
                await reader.close()
        self._reader = self._background = None
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def _migrate(self) -> None:
        """Apply the migrations not yet applied, each in its own transaction. An existing
        database on disk is copied first (beside it, named for the first migration to come),
        so an upgrade that goes wrong can be undone by putting the copy back."""
        async with self.conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        current = row[0] if row else 0
        known = migrations()
        if current > len(known):
            raise RuntimeError(
                f"the database {self.path} is at schema {current}, newer than this version of "
                f"Haven knows ({len(known)}); run the newer Haven, or restore the copy taken "
                "before its migration (see docs/deploy.md)"
            )
        pending = [(n, path) for n, path in known if n > current]
        if pending and current > 0 and self.path != ":memory:":
            target = before_migration(Path(self.path), pending[0][0])
            log.warning("copying the database to %s before migrating", target.name)
            await asyncio.to_thread(backup, Path(self.path), target)
        for number, path in pending:
            log.info("applying migration %s", path.name)
            script = path.read_text(encoding="utf-8")
            await self.conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )

    async def _checkpoint_log(self) -> None:
        """Copy the write-ahead log into the database file every CHECKPOINT_EVERY, on a
        connection of its own: a PASSIVE checkpoint never blocks the writer, and a log copied
        in full starts again from the beginning, so it stays small."""
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await conn.execute("PRAGMA busy_timeout = 5000")
            while True:
                await asyncio.sleep(CHECKPOINT_EVERY)
                try:
                    await conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except aiosqlite.Error:
                    log.warning("checkpoint of the write-ahead log failed", exc_info=True)
        finally:
            await conn.close()

    # ------------------------------------------------------------------ writes, batched

    def _join(self) -> _Turn:
        loop = asyncio.get_running_loop()
        turn = _Turn(loop.create_future(), loop.create_future())
        self._enqueue(turn)
        return turn

    def _enqueue(self, turn: _Turn | _Plan) -> None:
        self._waiting.append(turn)
        if self._writer is None or self._writer.done():
            loop = asyncio.get_running_loop()
            self._writer = loop.create_task(self._write_batches(), name="haven-db-writer")

    def _take_plans(self, room: int) -> list[_Plan]:
        """The plans at the head of the queue, at most `room` (those whose callers gave up
        before their turn came are dropped)."""
        plans: list[_Plan] = []
        while self._waiting and len(plans) < room:
            head = self._waiting[0]
            if not isinstance(head, _Plan):
                break
            self._waiting.popleft()
            if not head.result.done():
                plans.append(head)
        return plans

    async def _run_plans_waiting(self, batch: list[_Turn | _Plan]) -> bool:
        """Inside an open batch: run the plans at the head of the queue in one call on the
        connection's thread; those that succeed join `batch`. False when SQLite rolled the
        transaction back."""
        plans = self._take_plans(BATCH_WRITES - len(batch))
        if not plans:
            return True
        conn = self.conn
        ran = await conn._execute(_run_plans, conn._conn, [p.statements for p in plans])
        batch.extend(self._settle(plans, ran))
        return conn.in_transaction

    async def _commit_plans(self) -> None:
        """A batch of plans only, BEGIN to COMMIT in one call on the connection's thread."""
        plans = self._take_plans(BATCH_WRITES)
        if not plans:
            return
        conn = self.conn
        ran, error = await conn._execute(_run_batch, conn._conn, [p.statements for p in plans])
        if not ran and error is not None:  # BEGIN failed: nothing ran
            self._fail(list(plans), error)
            return
        done = self._settle(plans, ran)
        if error is not None:
            self._fail(done, error)
            return
        self.batches += 1
        self.writes += len(done)
        for plan in done:
            if not plan.result.done():
                plan.result.set_result(plan.outcomes)

    def _settle(self, plans: list[_Plan], ran: list[object]) -> list[_Turn | _Plan]:
        """Plans that failed are told why; those that ran are returned (awaiting the COMMIT);
        those not reached go back to the head of the queue."""
        done: list[_Turn | _Plan] = []
        for plan, outcome in zip(plans, ran, strict=False):
            if isinstance(outcome, BaseException):
                if not plan.result.done():
                    plan.result.set_exception(outcome)
            else:
                plan.outcomes = outcome  # type: ignore[assignment]
                done.append(plan)
        self._waiting.extendleft(reversed(plans[len(ran) :]))
        return done

    async def _write_batches(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            async with self._lock:
                if isinstance(self._waiting[0], _Plan):
                    await self._commit_plans()
                    continue
                batch: list[_Turn | _Plan] = []
                try:
                    await self.conn.execute("BEGIN IMMEDIATE")
                except BaseException as error:
                    for waiting in list(self._waiting):
                        future = waiting.granted if isinstance(waiting, _Turn) else waiting.result
                        if not future.done():
                            future.set_exception(error)
                    self._waiting.clear()
                    raise
                open_transaction = True
                deadline = loop.time() + BATCH_SECONDS
                while self._waiting and len(batch) < BATCH_WRITES and loop.time() < deadline:
                    if not open_transaction:
                        await self.conn.execute("BEGIN IMMEDIATE")
                        open_transaction = True
                    if isinstance(self._waiting[0], _Plan):
                        if not await self._run_plans_waiting(batch):
                            self._fail(batch, sqlite3.OperationalError("transaction rolled back"))
                            open_transaction = False
                        continue
                    turn = self._waiting.popleft()
                    assert isinstance(turn, _Turn)
                    if turn.granted.done():  # its caller gave up before its turn came
                        continue
                    alone = not batch  # the first write needs no savepoint: ROLLBACK undoes it
                    turn.granted.set_result(not alone)
                    ended = await turn.done
                    if ended == OK:
                        batch.append(turn)
                    elif ended == ROLLED_BACK:
                        open_transaction = False
                if not open_transaction:
                    continue
                try:
                    await self.conn.execute("COMMIT")
                except BaseException as error:
                    await self._rollback_quietly()
                    self._fail(batch, error)
                    if not isinstance(error, Exception):
                        raise
                    continue
                self.batches += 1
                self.writes += len(batch)
                for done in batch:
                    if isinstance(done, _Plan):
                        if not done.result.done():
                            done.result.set_result(done.outcomes)
                    else:
                        done.committed.set_result(None)

    @staticmethod
    def _fail(batch: list[_Turn | _Plan], error: BaseException) -> None:
        """Tell every write of a batch that did not commit why."""
        for done in batch:
            future = done.result if isinstance(done, _Plan) else done.committed
            if not future.done():
                future.set_exception(error)
        batch.clear()

    async def _rollback_quietly(self) -> None:
        try:
            await self.conn.execute("ROLLBACK")
        except Exception:  # no transaction left to roll back
            log.debug("rollback after a failed commit", exc_info=True)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the body as one atomic write in the current batch; returns once it is
        committed (an error in the body undoes the body only and is raised)."""
        turn = self._join()
        shared = await self._granted(turn)
        ended = UNDONE if shared else ROLLED_BACK  # how a failure below leaves the batch
        try:
            if shared:
                await self.conn.execute("SAVEPOINT write")
            try:
                yield self.conn
            except BaseException:
                if shared:
                    await self.conn.execute("ROLLBACK TO write")
                    await self.conn.execute("RELEASE write")
                else:
                    await self.conn.execute("ROLLBACK")
                raise
            if shared:
                await self.conn.execute("RELEASE write")
            ended = OK
        finally:
            turn.done.set_result(ended)
        await asyncio.shield(turn.committed)

    @staticmethod
    async def _granted(turn: _Turn) -> bool:
        try:
            return await turn.granted
        except asyncio.CancelledError:
            if turn.granted.done() and not turn.granted.cancelled():
                turn.done.set_result(UNDONE)  # granted, but nothing was written
            raise

    async def write(self, *statements: Statement) -> list[Outcome]:
        """Statements known in advance, run as one atomic write in the current batch; returns
        each one's outcome once the batch is committed. On an error nothing of this write is
        kept and the error is raised; the others of the batch are not touched."""
        turn = _Plan(statements, asyncio.get_running_loop().create_future())
        self._enqueue(turn)
        return await turn.result

    async def execute(self, sql: str, params: Iterable[object] = ()) -> int:
        """One write statement, committed (with the others of its batch) when this returns;
        returns lastrowid."""
        [outcome] = await self.write(Statement(sql, tuple(params)))
        return outcome.lastrowid

    async def write_returning(self, sql: str, params: Iterable[object] = ()) -> list[sqlite3.Row]:
        """One write statement with a RETURNING clause, committed when this returns."""
        values = params if isinstance(params, Mapping) else tuple(params)
        [outcome] = await self.write(Statement(sql, values))
        return outcome.rows

    async def peers(self) -> int:
        """Processes using this database: SQLite's file has one."""
        return 1

    async def flood_wait(self, platform: str, cap: int, window: float) -> float:
        """One process: its own limiter keeps the platform's limits alone (never asked)."""
        return 0.0

    async def trace(self, callback: Callable[[str], object] | None) -> None:
        """Every statement either connection runs, parameters filled in, goes to `callback`
        (None stops it): lets a test check the query plan of each one."""
        for conn in (self._conn, self._reader, self._background):
            if conn is not None:
                await conn.set_trace_callback(callback)

    # ------------------------------------------------------------------ reads

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """One round trip (execute, fetch and close together) that sees only what is committed.
        On a file, reads go through their own connection and never wait for a write batch or
        its fsync (WAL lets readers and the writer work at once), timed jobs' reads through
        another (see BACKGROUND); in memory, they wait their turn on the one connection."""
        reader = self._background if BACKGROUND.get() else self._reader
        if reader is not None:
            return list(await reader.execute_fetchall(sql, tuple(params)))
        async with self._lock:
            return list(await self.conn.execute_fetchall(sql, tuple(params)))

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None
