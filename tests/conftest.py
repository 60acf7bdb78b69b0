"""Shared fixtures: a `haven console` runner for transcript tests and an in-process app.

The console runner feeds a whole script to one `python -m bot console` process and splits
what it prints back into one step per input line. To know which output belongs to which line,
it inserts a bare `:clock` after every line: that directive changes nothing and prints a
"(clock: ...)" note, which marks the end of the previous line's output.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import random
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from console_blocks import CLOCK_ERROR, CLOCK_NOTE, Message, parse_blocks
from pgserver import pg_query
from shared import haven_env, query

from bot.core.clock import SimulatedClock
from bot.core.messages import Actor, Place, Reply, Request, Via

START = "2026-01-05T08:00:00+00:00"


MESSAGE_NOTE = re.compile(r"^message \d+$")


@dataclass(frozen=True)
class Step:
    line: str
    output: str

    @property
    def messages(self) -> list[Message]:
        """What this line printed, without the separator note that follows it, nor the
        number the console gives a member's message in a group (`said` has it)."""
        blocks = parse_blocks(self.output)
        if blocks and blocks[-1].is_note and blocks[-1].text.startswith("clock: "):
            blocks.pop()
        return [b for b in blocks if not (b.is_note and MESSAGE_NOTE.match(b.text))]

    @property
    def said(self) -> int | None:
        """The number the console gave this line, a member's message in a group."""
        found = [b for b in parse_blocks(self.output) if b.is_note and MESSAGE_NOTE.match(b.text)]
        return int(found[0].text.split()[1]) if found else None

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.messages)


@dataclass(frozen=True)
class Transcript:
    stdout: str
    stderr: str
    returncode: int
    steps: list[Step]
    database: Path | str

    @property
    def messages(self) -> list[Message]:
        return [m for step in self.steps for m in step.messages]

    def step(self, line: str, occurrence: int = 0) -> Step:
        found = [s for s in self.steps if s.line == line]
        assert len(found) > occurrence, f"no step {line!r} (#{occurrence}) in the transcript"
        return found[occurrence]

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return query(self.database, sql, params)

    def count(self, table: str, where: str = "TRUE") -> int:
        return self.query(f"SELECT COUNT(*) FROM {table} WHERE {where}")[0][0]


def _split_steps(lines: Sequence[str], stdout: str) -> list[Step]:
    """One chunk per separator note; a moved clock prints its own note before the separator."""
    chunks: list[list[str]] = [[]]
    for out_line in stdout.splitlines():
        chunks[-1].append(out_line)
        if CLOCK_NOTE.match(out_line):
            chunks.append([])
    steps: list[Step] = []
    index = 0
    for line in lines:
        if line.strip().casefold() == ":quit":
            steps.append(Step(line, ""))
            break
        if index >= len(chunks):
            steps.append(Step(line, ""))
            continue
        chunk = chunks[index]
        index += 1
        moved = line.startswith(":clock") and not any(CLOCK_ERROR in x for x in chunk)
        if moved and index < len(chunks):  # its own note, then the separator's
            chunk = chunk + chunks[index]
            index += 1
        steps.append(Step(line, "\n".join(chunk)))
    return steps


ConsoleRunner = Callable[..., Transcript]


def _console_script(lines: Sequence[str]) -> str:
    script: list[str] = []
    for line in lines:
        assert "\n" not in line, "one console line per item"
        script.append(line)
        script.append(":clock")
    return "\n".join(script) + "\n"


def _console_process(script: str, database: Path | str, start: str, cwd: Path) -> tuple[str, str]:
    """`python -m bot console`, exactly as a maintainer types it."""
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--database", str(database), "--clock", start],
        input=script,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=haven_env(),
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout, completed.stderr


def _console_here(script: str, database: Path | str, start: str, cwd: Path) -> tuple[str, str]:
    """The same console in this test process: `bot.cli.run_console`'s steps with the script as
    input and the output kept, and what Haven logs at WARNING or above as its stderr. It skips
    the interpreter's start and the crisis screen's build (once a process), which cost about
    four seconds a run; the README and CLI tests keep the real process."""
    from adapters.console.adapter import ConsoleAdapter
    from bot.app import build
    from bot.core.clock import SimulatedClock
    from bot.settings import Settings

    out, err = io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(err)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    async def session() -> None:
        settings = Settings(bot={"database": str(database)})
        clock = SimulatedClock(datetime.fromisoformat(start))
        app = build(settings, clock=clock, cooldown=False)
        await app.start()
        try:
            adapter = ConsoleAdapter(
                app, clock, out=out, attachments=cwd / "attachments", zone=settings.bot.timezone
            )
            await adapter.run(io.StringIO(script))
        finally:
            await app.close()

    root = logging.getLogger()
    root.addHandler(handler)
    try:  # a thread of its own, so an async test may run a console too
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, session()).result(timeout=60)
    finally:
        root.removeHandler(handler)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def console(tmp_path: Path, database: Databases) -> ConsoleRunner:
    """`console(lines, db="x.db", start=START)` runs one console session over the whole script;
    `process=True` runs it as `python -m bot console` instead of in this test process."""

    def run(
        lines: Sequence[str], db: str = "x.db", start: str = START, *, process: bool = False
    ) -> Transcript:
        where = db if "://" in db else database(db)
        script = _console_script(lines)
        runner = _console_process if process else _console_here
        stdout, stderr = runner(script, where, start, tmp_path)
        assert "Traceback" not in stderr, stderr
        steps = _split_steps(lines, stdout)
        return Transcript(stdout, stderr, 0, steps, where)

    return run


# -- in-process application ---------------------------------------------------------------


@dataclass
class Harness:
    """The real app (real storage, real registry) with a simulated clock, driven directly."""

    app: Any
    clock: SimulatedClock
    database: Path | str

    def request(
        self,
        line: str,
        *,
        user: str = "ana",
        chat: str | None = None,
        lead: bool = False,
        via: Via = Via.COMMAND,
        args: dict[str, Any] | None = None,
    ) -> Request:
        """`line` is what a member typed, e.g. "/checkin 3"; `chat` None is a direct chat."""
        name, _, text = line.removeprefix("/").partition(" ")
        actor = Actor("test", user.casefold(), user)
        if chat is None:
            place = Place("test", f"dm:{user.casefold()}", is_direct=True)
        else:
            place = Place("test", chat, is_direct=False, community_id=chat, title=chat)
        return Request(
            command=name,
            text=text,
            actor=actor,
            place=place,
            at=self.clock.now(),
            via=via,
            is_lead=lead,
            args=args,
        )

    async def send(self, line: str, **kwargs: Any) -> list[Reply]:
        return await self.app.handle(self.request(line, **kwargs))

    async def consent(self, user: str = "ana") -> None:
        """`user` agrees, as members do with `/consent yes`, before anything of theirs is kept."""
        replies = await self.send("/consent yes", user=user)
        assert any("consent is recorded" in r.text for r in replies), replies

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return query(self.database, sql, params)


PG_BIN = os.environ.get("HAVEN_PG_BIN")  # read before any test clears HAVEN_* variables


@pytest.fixture(scope="session")
def pg_server() -> Any:
    """A real PostgreSQL server for this test process (tests/pgserver.py). Without the server
    binaries the PostgreSQL tests are skipped with one line saying how to enable them, except
    under CI=true, where they must run."""
    from pgserver import ENABLE, PgServer, pg_bin

    if PG_BIN:
        os.environ["HAVEN_PG_BIN"] = PG_BIN
    if pg_bin() is None:
        if os.environ.get("CI") == "true":
            pytest.fail(ENABLE)
        pytest.skip(ENABLE)
    server = PgServer().start()
    yield server
    server.stop()


@pytest.fixture
def pg_database(pg_server: Any) -> str:
    """A new, empty database on the test server: its postgresql:// address."""
    return _new_pg_database(pg_server.dsn)


def _new_pg_database(server: str, template: str | None = None) -> str:
    import uuid

    name = f"t_{uuid.uuid4().hex[:16]}"
    pg_query(server, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def pg_template(pg_server: Any) -> str:
    """A database with Haven's schema, once a test process, that each engine test's database
    is copied from (CREATE DATABASE ... TEMPLATE): a copy takes a fraction of a migration."""
    from bot.storage.postgres import PgDatabase

    dsn = _new_pg_database(pg_server.dsn)

    async def migrate() -> None:
        db = PgDatabase(dsn, min_size=1, max_size=1)
        await db.open()
        await db.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, migrate()).result()
    return dsn.rsplit("/", 1)[1]


# -- the storage engine a test runs on ----------------------------------------------------

ENGINES = ("sqlite", "postgresql")
Databases = Callable[[str], "Path | str"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "engines(*names): the storage engines a test that uses `database` runs on "
        "(default: sqlite and postgresql)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that stores anything (through `database`, and so `console`, `harness` and
    the platform fixtures) runs once per engine: the whole suite holds on both."""
    if "engine" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("engines")
        metafunc.parametrize("engine", marker.args if marker else ENGINES)


@pytest.fixture
def engine() -> str:
    return "sqlite"  # replaced by pytest_generate_tests; here for fixtures asked for directly


@pytest.fixture
def database(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Databases:
    """`database("x.db")`: where the test's database called "x.db" lives on this engine: a
    file in the test's folder, or a fresh PostgreSQL database with Haven's schema (one per
    name, so a test can hold two)."""
    made: dict[str, Path | str] = {}

    def where(name: str) -> Path | str:
        if engine == "sqlite":
            return tmp_path / name
        if name not in made:
            server = request.getfixturevalue("pg_server")
            made[name] = _new_pg_database(server.dsn, request.getfixturevalue("pg_template"))
        return made[name]

    return where


@pytest.fixture(autouse=True)
def _no_haven_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process settings must not pick up a developer's HAVEN_* variables."""
    for key in list(os.environ):
        if key.upper().startswith("HAVEN_"):
            monkeypatch.delenv(key)


@pytest.fixture
async def harness(database: Databases) -> AsyncIterator[Harness]:
    from bot.app import build
    from bot.settings import Settings

    where = database("t.db")
    settings = Settings(bot={"database": where})
    clock = SimulatedClock(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    app = build(settings, clock=clock, rng=random.Random(0))
    await app.start()
    try:
        yield Harness(app, clock, where)
    finally:
        await app.close()
