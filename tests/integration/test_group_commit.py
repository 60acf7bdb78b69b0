"""Group commit: concurrent writes share one transaction and one COMMIT, each caller returns
only after that COMMIT, and one failing write undoes itself and nothing else."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.storage.database import Database, Outcome, Statement


@pytest.fixture
async def db(tmp_path: Path):
    database = Database(tmp_path / "g.db")
    await database.open()
    await database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)")
    yield database
    await database.close()


def stored(db: Database) -> list[str]:
    with sqlite3.connect(db.path) as conn:  # another connection: only committed rows
        return [v for (v,) in conn.execute("SELECT v FROM t ORDER BY id")]


async def test_concurrent_writes_share_commits(db: Database) -> None:
    batches = db.batches

    async def write(i: int) -> None:
        await db.execute("INSERT INTO t (v) VALUES (?)", (f"a{i}",))
        assert f"a{i}" in stored(db)  # committed, visible to others, before returning

    await asyncio.gather(*(write(i) for i in range(200)))
    assert len(stored(db)) == 200
    assert db.batches - batches < 20  # 200 writes, a handful of commits


async def test_a_failing_write_undoes_only_itself(db: Database) -> None:
    await db.execute("INSERT INTO t (v) VALUES ('taken')")

    async def transaction(i: int) -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (v) VALUES (?)", (f"b{i}",))
            if i % 3 == 0:
                await conn.execute("INSERT INTO t (v) VALUES ('taken')")  # fails: UNIQUE

    async def single(i: int) -> None:
        await db.execute("INSERT INTO t (v) VALUES (?)", ("taken" if i % 4 == 0 else f"c{i}",))

    results = await asyncio.gather(
        *(transaction(i) for i in range(30)),
        *(single(i) for i in range(30)),
        return_exceptions=True,
    )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(f, sqlite3.IntegrityError) for f in failures)
    assert len(failures) == 10 + 8
    expected = (
        {"taken"} | {f"b{i}" for i in range(30) if i % 3} | {f"c{i}" for i in range(30) if i % 4}
    )
    assert set(stored(db)) == expected


async def test_the_first_write_of_a_batch_failing_alone_leaves_the_rest(db: Database) -> None:
    async def failing() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (v) VALUES ('gone')")
            raise RuntimeError("the body fails")

    results = await asyncio.gather(
        failing(),
        *(db.execute("INSERT INTO t (v) VALUES (?)", (f"d{i}",)) for i in range(5)),
        return_exceptions=True,
    )
    assert isinstance(results[0], RuntimeError)
    assert stored(db) == [f"d{i}" for i in range(5)]


async def test_a_writer_cancelled_while_waiting_writes_nothing(db: Database) -> None:
    async def slow() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (v) VALUES ('first')")
            await asyncio.sleep(0.05)

    first = asyncio.create_task(slow())
    await asyncio.sleep(0.01)
    waiting = asyncio.create_task(db.execute("INSERT INTO t (v) VALUES ('cancelled')"))
    await asyncio.sleep(0.01)
    waiting.cancel()
    after = asyncio.create_task(db.execute("INSERT INTO t (v) VALUES ('after')"))
    await asyncio.gather(first, after)
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert stored(db) == ["first", "after"]


async def test_reads_see_only_committed_rows(db: Database) -> None:
    async def writer() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (v) VALUES ('pending')")
            await asyncio.sleep(0.05)
            raise RuntimeError("rolled back")

    task = asyncio.create_task(writer())
    await asyncio.sleep(0.01)
    assert await db.fetchall("SELECT v FROM t") == []
    with pytest.raises(RuntimeError):
        await task


async def test_the_log_is_checkpointed_beside_the_writes(tmp_path: Path, monkeypatch) -> None:
    import bot.storage.database as database_module

    monkeypatch.setattr(database_module, "CHECKPOINT_EVERY", 0.05)
    db = Database(tmp_path / "w.db")
    await db.open()
    try:
        await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        wal = Path(db.path + "-wal")
        sizes = []
        for _round in range(8):
            await asyncio.gather(
                *(db.execute("INSERT INTO t (v) VALUES (?)", ("x" * 200,)) for _ in range(300))
            )
            sizes.append(wal.stat().st_size)
            await asyncio.sleep(0.3)  # a checkpoint or more
        # The log starts again once copied, so it does not grow with the history.
        assert sizes[-1] <= 2 * sizes[0], sizes
        with sqlite3.connect(db.path) as conn:
            assert conn.execute("SELECT COUNT(*) FROM t").fetchone() == (2400,)
    finally:
        await db.close()
    assert Path(db.path + "-wal").stat().st_size == 0  # truncated at close


async def test_writes_known_in_advance_share_one_call_and_fail_alone(db: Database) -> None:
    """`write` runs a whole batch of plans BEGIN to COMMIT in one call on the connection's
    thread; a plan that fails (its second statement here) keeps none of its statements."""
    await db.execute("INSERT INTO t (v) VALUES ('taken')")
    batches = db.batches

    async def plan(i: int) -> list[Outcome]:
        second = "taken" if i % 5 == 0 else f"f{i}b"
        return await db.write(
            Statement("INSERT INTO t (v) VALUES (?)", (f"f{i}a",)),
            Statement("INSERT INTO t (v) VALUES (?) RETURNING id, v", (second,)),
        )

    results = await asyncio.gather(*(plan(i) for i in range(100)), return_exceptions=True)
    failed = [i for i, r in enumerate(results) if isinstance(r, BaseException)]
    assert failed == [i for i in range(100) if i % 5 == 0]
    assert all(isinstance(results[i], sqlite3.IntegrityError) for i in failed)
    first, second = results[1]  # type: ignore[misc]
    assert first.lastrowid > 0 and first.rows == []
    assert [tuple(r) for r in second.rows] == [(second.lastrowid, "f1b")]
    expected = {"taken"} | {f"f{i}{x}" for i in range(100) if i % 5 for x in "ab"}
    assert set(stored(db)) == expected
    assert db.batches - batches < 10


async def test_a_write_that_rolls_the_transaction_back_fails_its_batch_honestly(
    db: Database,
) -> None:
    """SQLite may roll a whole transaction back (a full disk, an I/O error; here INSERT OR
    ROLLBACK). The writes of that batch already run were not kept, so their callers get the
    error, never "recorded"; the writes not yet run are run in the next batch."""
    await db.execute("INSERT INTO t (v) VALUES ('taken')")

    async def ordinary(i: int) -> None:
        await db.write(Statement("INSERT INTO t (v) VALUES (?)", (f"g{i}",)))

    async def rolling() -> None:
        await db.write(Statement("INSERT OR ROLLBACK INTO t (v) VALUES ('taken')"))

    results = await asyncio.gather(
        *(ordinary(i) for i in range(5)),
        rolling(),
        *(ordinary(i) for i in range(5, 10)),
        return_exceptions=True,
    )
    kept = set(stored(db))
    for i, result in enumerate([*results[:5], *results[6:]]):
        # Told "recorded" exactly when the row is there.
        assert (result is None) == (f"g{i}" in kept), (i, result)
    assert isinstance(results[5], sqlite3.IntegrityError)
    assert all(f"g{i}" in kept for i in range(5, 10))  # run again after the rollback
    # All eleven were queued before the writer ran, so the first five shared the batch.
    assert all(isinstance(r, sqlite3.Error) for r in results[:5])
    assert not any(f"g{i}" in kept for i in range(5))


async def test_plans_and_transactions_interleave_in_order(db: Database) -> None:
    order: list[str] = []

    async def transaction(i: int) -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (v) VALUES (?)", (f"t{i}",))
        order.append(f"t{i}")

    async def plan(i: int) -> None:
        await db.write(Statement("INSERT INTO t (v) VALUES (?)", (f"p{i}",)))
        order.append(f"p{i}")

    jobs = [transaction(i) if i % 3 == 0 else plan(i) for i in range(30)]
    await asyncio.gather(*jobs)
    rows = stored(db)
    assert rows == [f"t{i}" if i % 3 == 0 else f"p{i}" for i in range(30)]  # queue order kept
    assert sorted(order) == sorted(rows)
