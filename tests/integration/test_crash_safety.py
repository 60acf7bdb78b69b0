"""Crash safety: `haven console` killed with SIGKILL at random moments during a stream of check-ins.

Each round starts `python -m bot console` on the same database and feeds it a few hundred
check-ins from several members, each with its own note, in uneven chunks (sometimes cut in the
middle of a line, sometimes with pauses long enough for the bot to sit idle on its input). Once
the bot has acknowledged a chosen number of them, the test waits a random few milliseconds more
and sends SIGKILL, so the kill lands anywhere: inside a commit, between a commit and its reply,
while a reply is printed, or while the bot waits for input. The first round is killed instead a
few milliseconds after the database file appears, while the migrations create the schema; the
next round must finish them.

After every kill the database is opened with the standard library, which replays the WAL, and:
  * `PRAGMA integrity_check` says ok and `PRAGMA foreign_key_check` finds nothing;
  * every check-in the bot said was "Recorded privately" is stored, exactly as sent;
  * nothing else is: the rows are, in order, a prefix of each round's check-ins (the console
    answers one line at a time), no note is stored twice and no row was never sent.
The next round restarts the bot on that same database, and a normal run on it at the end must
still record a check-in and report /mood over everything that was kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL fault test is Linux-only")

SEED = 20260105
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
MEMBERS = ("ana", "ben", "cho", "dev")
TAGS = ("tired", "hopeful", "calm", "anxious", "grateful", "restless")
CHECKINS_PER_ROUND = 400
# Round 0 is killed this many seconds after the new database file appears (migrations run then);
# the others once this many check-ins were acknowledged, from ranges spread early to late.
STARTUP_KILL = (0.0, 0.006)  # the migrations take about 10 ms on a laptop
ACK_KILL_RANGES = ((0, 2), (3, 40), (40, 150), (150, 280), (280, CHECKINS_PER_ROUND - 20))
ROUND_TIMEOUT = 20.0
ACK = re.compile(
    r"^\[@(?P<name>[^\]\s]+) private\] Recorded privately: .*? (?P<mood>[1-5]) \([a-z]+\)\."
)


@dataclass(frozen=True)
class Sent:
    """One check-in line as written to the bot, and the row it must become."""

    name: str
    mood: int
    tags: str
    note: str
    at: str

    @property
    def line(self) -> str:
        return f"/checkin {self.mood} {self.tags} {self.note}"

    @property
    def row(self) -> tuple[str, int, str, str, str]:
        return (self.name, self.mood, self.tags, self.note, self.at)


@dataclass
class Round:
    index: int
    lines: list[str]
    checkins: list[Sent]
    kill_after_acks: int | None
    kill_after_creation: float | None
    kill_delay: float
    acks: list[tuple[str, int]] = field(default_factory=list)
    acked_at_kill: int = -1
    stored: int = -1
    returncode: int | None = None
    stderr: str = ""


def script(index: int, rng: random.Random) -> tuple[list[str], list[Sent]]:
    """`:as` switches (with consent the first time in a round), a few `:clock +1h`, check-ins."""
    lines: list[str] = []
    sent: list[Sent] = []
    consented: set[str] = set()
    now = START
    hours = 0
    until_switch = 0
    for k in range(CHECKINS_PER_ROUND):
        if until_switch == 0:
            name = rng.choice(MEMBERS)
            lines.append(f":as {name}")
            if name not in consented:
                lines.append("/consent yes")
                consented.add(name)
            until_switch = rng.randint(1, 15)
        until_switch -= 1
        if hours < 9 and rng.random() < 1 / 40:  # stays on one day: no streak milestones
            lines.append(":clock +1h")
            hours += 1
            now += timedelta(hours=1)
        tags = ",".join(rng.sample(TAGS, rng.randint(1, 2)))
        # Letters only: a made-up code with numbers ("note-010") can read as a count of pills
        code = "".join(chr(ord("a") + int(d)) for d in f"{index}{k:03d}")
        note = f"memo-{code}-" + "y" * rng.choice((0, 5, 40, 300, 900))
        checkin = Sent(name, rng.randint(1, 5), tags, note, now.isoformat(timespec="seconds"))
        lines.append(checkin.line)
        sent.append(checkin)
    return lines, sent


def plan(rng: random.Random) -> list[Round]:
    rounds = [
        Round(
            0,
            *script(0, random.Random(rng.random())),
            kill_after_acks=None,
            kill_after_creation=rng.uniform(*STARTUP_KILL),
            kill_delay=0.0,
        )
    ]
    for low, high in ACK_KILL_RANGES:
        index = len(rounds)
        rounds.append(
            Round(
                index,
                *script(index, random.Random(rng.random())),
                kill_after_acks=rng.randint(low, high),
                kill_after_creation=None,
                kill_delay=rng.choice((0.0, rng.uniform(0.0, 0.004))),
            )
        )
    return rounds


def console_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("HAVEN_")}
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONUTF8"] = "1"
    return env


async def feed(stdin: asyncio.StreamWriter, lines: list[str], rng: random.Random) -> None:
    """Write the script in uneven chunks, some cut mid-line; stdin stays open afterwards."""
    data = [(line + "\n").encode() for line in lines]
    i = 0
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        while i < len(data):
            n = rng.randint(1, 30)
            chunk = b"".join(data[i : i + n])
            i += n
            if rng.random() < 0.3:
                cut = rng.randrange(1, len(chunk))
                stdin.write(chunk[:cut])
                await stdin.drain()
                await asyncio.sleep(0.001)
                chunk = chunk[cut:]
            stdin.write(chunk)
            await stdin.drain()
            await asyncio.sleep(rng.choice((0.0, 0.0, 0.001, 0.003, 0.02)))


async def run_round(tmp_path: Path, database: Path, rnd: Round, feed_rng: random.Random) -> None:
    proc = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "console", "--database", str(database)),
        *("--clock", START.isoformat()),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=tmp_path,
        env=console_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    stdout, stderr = proc.stdout, proc.stderr
    spawned = time.monotonic()
    reached = asyncio.Event()

    async def read_stdout() -> None:
        while line := await stdout.readline():
            match = ACK.match(line.decode("utf-8", errors="replace"))
            if match:
                rnd.acks.append((match["name"], int(match["mood"])))
            if rnd.kill_after_acks is not None and len(rnd.acks) >= rnd.kill_after_acks:
                reached.set()
        reached.set()  # the bot ended on its own: reported below, not waited for

    async def read_stderr() -> None:
        rnd.stderr = (await stderr.read()).decode("utf-8", errors="replace")

    async def kill() -> None:
        if rnd.kill_after_creation is not None:
            while not database.exists() and proc.returncode is None:
                await asyncio.sleep(0.0005)
            await asyncio.sleep(rnd.kill_after_creation)
        else:
            await reached.wait()
            if rnd.kill_delay:
                await asyncio.sleep(rnd.kill_delay)
        rnd.acked_at_kill = len(rnd.acks)
        if proc.returncode is None:
            proc.send_signal(signal.SIGKILL)

    writer = asyncio.create_task(feed(proc.stdin, rnd.lines, feed_rng))
    readers = asyncio.gather(read_stdout(), read_stderr())
    try:
        await asyncio.wait_for(kill(), ROUND_TIMEOUT)
        # What the bot printed before it died is still in the pipe: it counts as told.
        await asyncio.wait_for(readers, ROUND_TIMEOUT)
        rnd.returncode = await asyncio.wait_for(proc.wait(), ROUND_TIMEOUT)
    except TimeoutError:
        pytest.fail(
            f"round {rnd.index}: no kill point after {time.monotonic() - spawned:.1f}s, "
            f"{len(rnd.acks)} acknowledged; stderr:\n{rnd.stderr}"
        )
    finally:
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        readers.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await readers
        proc.stdin.close()
    assert rnd.returncode == -signal.SIGKILL, (
        f"round {rnd.index}: the bot exited on its own ({rnd.returncode}) before the kill; "
        f"stderr:\n{rnd.stderr}"
    )


def stored_rows(database: Path) -> list[tuple[str | None, int, str, str, str]]:
    """Check the file as a fresh reader sees it after the crash; return the check-ins by id."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "checkins" not in tables:
            return []
        return conn.execute(
            "SELECT m.user_id, c.mood, c.tags, c.note, c.at FROM checkins c "
            "LEFT JOIN members m ON m.id = c.member_id AND m.platform = 'console' ORDER BY c.id"
        ).fetchall()


def check_round(database: Path, rounds: list[Round]) -> None:
    rnd = rounds[-1]
    label = f"round {rnd.index}"
    # The k-th "Recorded privately" answers the k-th check-in line: same member, same mood.
    expected_acks = [(s.name, s.mood) for s in rnd.checkins[: len(rnd.acks)]]
    assert rnd.acks == expected_acks, f"{label}: replies out of step with the check-ins sent"

    if not database.exists():  # killed before the database was even created
        assert not rnd.acks, f"{label}: check-ins acknowledged but no database file"
        rnd.stored = 0
        return
    rows = stored_rows(database)
    sent = {s.note: s for r in rounds for s in r.checkins}
    notes = Counter(row[3] for row in rows)
    assert not [n for n in notes if n not in sent], f"{label}: rows that were never sent"
    assert not [n for n, c in notes.items() if c > 1], f"{label}: notes stored twice"

    told = {s.note for s in rnd.checkins[: len(rnd.acks)]}
    lost = sorted(told - set(notes))
    assert not lost, (
        f"{label}: {len(lost)} acknowledged check-ins lost after SIGKILL "
        f"({len(rnd.acks)} acknowledged, {rnd.acked_at_kill} before the kill): {lost[:5]}"
    )
    rnd.stored = sum(1 for s in rnd.checkins if s.note in notes)
    # Each round's rows are a prefix of what it sent, exactly as sent, and earlier rounds' rows
    # survive later crashes untouched.
    expected = [s.row for r in rounds for s in r.checkins[: r.stored]]
    assert rows == expected, f"{label}: stored check-ins differ from the ones sent"
    assert rnd.stored >= len(rnd.acks)


@pytest.mark.engines("sqlite")  # a SQLite file killed mid-write; PostgreSQL: test_multi_process
async def test_sigkill_during_checkins_loses_nothing_acknowledged(tmp_path: Path, console):
    rng = random.Random(SEED)
    rounds = plan(rng)
    database = tmp_path / "crash.db"
    done: list[Round] = []
    for rnd in rounds:
        await run_round(tmp_path, database, rnd, random.Random(rng.random()))
        done.append(rnd)
        check_round(database, done)
        trigger = (
            f"{rnd.kill_after_creation * 1000:.1f}ms after the database file appeared"
            if rnd.kill_after_creation is not None
            else f"after {rnd.kill_after_acks} acks + {rnd.kill_delay * 1000:.1f}ms"
        )
        with contextlib.closing(sqlite3.connect(database)) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        print(
            f"round {rnd.index}: killed {trigger}, at schema version {version}; acknowledged "
            f"{rnd.acked_at_kill} before the kill, {len(rnd.acks)} in all; "
            f"stored {rnd.stored} of {len(rnd.checkins)} sent"
        )
    assert sum(len(r.acks) for r in rounds) > 0, "no round got as far as a check-in"

    # A normal run on the crashed-and-recovered database: records, then reports everything kept.
    kept = sum(1 for row in stored_rows(database) if row[0] == "ana")
    t = console(
        [":as ana", "/consent yes", "/checkin 5 calm after-the-crashes", "/mood", ":quit"],
        db=database.name,
        start="2026-01-08T08:00:00+00:00",
    )
    assert "Recorded privately: " in t.step("/checkin 5 calm after-the-crashes").text
    count = kept + 1
    seven = next(
        line for line in t.step("/mood").text.splitlines() if line.startswith("Last 7 days:")
    )
    assert f"({count} check-in{'s' if count != 1 else ''})" in seven, seven
    rows = stored_rows(database)
    assert rows[-1] == ("ana", 5, "calm", "after-the-crashes", "2026-01-08T08:00:00+00:00")
    assert len(rows) == sum(r.stored for r in rounds) + 1
