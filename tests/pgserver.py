"""A real PostgreSQL server for tests and benches, started from the machine's own binaries in a
temporary folder and stopped afterwards: no mock of the database anywhere.

PostgreSQL refuses to run as root, so under root the server runs as the unprivileged system
user `postgres` (Debian's packages create it). Outside CI a machine without the binaries skips
the PostgreSQL tests with one line saying how to enable them; under CI=true they must run.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENABLE = (
    "PostgreSQL tests skipped: no PostgreSQL server binaries (initdb, pg_ctl) found. Install "
    "Debian's postgresql package (or set HAVEN_PG_BIN to their folder) to run them."
)


def pg_bin() -> Path | None:
    """The folder with initdb and pg_ctl: HAVEN_PG_BIN, Debian's newest, or the PATH."""
    wanted = os.environ.get("HAVEN_PG_BIN")
    candidates = [Path(wanted)] if wanted else []
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    """One server. `durable=False` (tests) turns off fsync: a test never outlives a crash of
    the machine, and the suite stays fast; benches keep PostgreSQL's defaults."""

    durable: bool = False
    folder: Path | None = None
    port: int = 0
    _as_user: list[str] | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql://haven@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [*(self._as_user or []), *args], capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-500:]}")

    def start(self) -> PgServer:
        binaries = pg_bin()
        if binaries is None:
            raise RuntimeError(ENABLE)
        self.folder = Path(tempfile.mkdtemp(prefix="haven-pg-"))
        self._as_user = None
        if os.geteuid() == 0:  # PostgreSQL refuses root: run as its own system user
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        data = self.folder / "data"
        self._run(
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            "haven",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        self.port = _free_port()
        options = [
            f"-p {self.port}",
            f"-k {self.folder}",
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=200",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            " ".join(options),
            "-w",
            "start",
        )
        return self

    def stop(self) -> None:
        binaries = pg_bin()
        if self.folder is None or binaries is None:
            return
        try:
            self._run(
                str(binaries / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "stop"
            )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def pg_query(
    dsn: str, sql: str, params: Sequence[Any] = (), *, many: Sequence[Sequence[Any]] | None = None
) -> list[tuple[Any, ...]]:
    """One statement on PostgreSQL from synchronous test code (`?` placeholders), on a thread
    of its own so that it works inside a running event loop too; `many` runs it once a row."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import asyncpg

    from bot.storage.postgres import translate

    async def run() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(dsn)
        try:
            text, _, _, _ = translate(sql)
            if many is not None:
                await conn.executemany(text, [tuple(row) for row in many])
                return []
            return [tuple(r) for r in await conn.fetch(text, *params)]
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


class PgOutsider:
    """The little of sqlite3's connection that tests use, on PostgreSQL: `execute(...)` with
    `fetchall`, `fetchone` and iteration, and `executemany`. Each statement commits."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PgRows:
        return PgRows(pg_query(self.dsn, sql, params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        pg_query(self.dsn, sql, many=list(rows))

    def commit(self) -> None:
        pass

    def __enter__(self) -> PgOutsider:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class PgRows(list[tuple[Any, ...]]):
    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self)

    def fetchone(self) -> tuple[Any, ...] | None:
        return self[0] if self else None
