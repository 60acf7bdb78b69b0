"""The face both engines show the repositories (SQLite in bot/storage/database.py, PostgreSQL
in bot/storage/postgres.py): repositories and services are typed to this, never to an engine,
so the engine is chosen once, by `bot.database` (bot/storage/engine.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from bot.storage.database import Outcome, Statement
from bot.storage.invalidation import Forget


class Row(Protocol):
    """A row read back: indexed by column position (sqlite3.Row and asyncpg's Record both)."""

    def __getitem__(self, index: int) -> Any: ...

    def __len__(self) -> int: ...


class Engine(Protocol):
    dialect: str  # "sqlite" or "postgresql": the few statements that differ choose by it
    path: str  # where the database is, for messages (never a password)
    batches: int  # commits of writes, for tests and benches
    writes: int

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def write(self, *statements: Statement) -> list[Outcome]: ...

    def transaction(self) -> AbstractAsyncContextManager[Any]: ...

    async def execute(self, sql: str, params: Iterable[object] = ()) -> int: ...

    async def write_returning(self, sql: str, params: Iterable[object] = ()) -> list[Any]: ...

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]: ...

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Any: ...

    async def peers(self) -> int: ...

    async def flood_wait(self, platform: str, cap: int, window: float) -> float: ...

    async def trace(self, callback: Callable[[str], object] | None) -> None: ...

    def on_change(self, kind: str, forget: Forget) -> None: ...

    def changed(self, kind: str, key: int | None) -> None: ...
