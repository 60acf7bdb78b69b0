"""Three `haven run` processes on one PostgreSQL database, behind a round-robin load balancer
for Telegram's webhook (the fake Bot API posts updates as Telegram does): every update is
answered once; a fan-out queued while they run is sent by the leader only; when the leader is
SIGKILLed mid-fan-out, another process leads within seconds and the rest goes out, nothing
twice, and nothing that was never tried is lost (a message the dead leader was sending at that
moment is marked, not resent: it may have reached Telegram)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from fakes.balancer import Balancer, free_port
from fakes.fanout import queue_fanout, stop_processes
from fakes.telegram_api import FakeTelegram
from pgserver import pg_query

from adapters.telegram.limits import BULK_IN_FLIGHT

SECRET = "multi-process-secret-0123"
MEMBERS = range(3001, 3061)  # 60 members with a direct chat open
FANOUT = "The weekly circle starts in an hour."
LEADER = (
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.objid = 7236111 AND l.granted"
)


def _env(fake: FakeTelegram, database: str, port: int, balancer: Balancer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env.update(
        HAVEN_BOT__DATABASE=database,
        HAVEN_BOT__COUNTRY="GB",
        HAVEN_TELEGRAM__TOKEN=fake.token,
        HAVEN_TELEGRAM__BASE_URL=fake.base_url,
        HAVEN_TELEGRAM__BASE_FILE_URL=fake.base_file_url,
        HAVEN_TELEGRAM__WEBHOOK_URL=balancer.url,
        HAVEN_TELEGRAM__WEBHOOK_LISTEN=f"127.0.0.1:{port}",
        HAVEN_TELEGRAM__WEBHOOK_SECRET=SECRET,
    )
    return env


def leader_pid(database: str) -> int | None:
    rows = pg_query(database, LEADER)
    return int(rows[0][0].rsplit("-", 1)[1]) if rows else None


async def _until(condition, seconds: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"{what}: not within {seconds} s")
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def test_three_processes_answer_once_and_a_killed_leader_is_replaced(
    fake: FakeTelegram, pg_database: str, tmp_path: Path
) -> None:
    for user in MEMBERS:
        fake.add_user(user, f"Member{user}")
    ports = [free_port() for _ in range(3)]
    balancer = Balancer(ports)
    await balancer.start()
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,
            env=_env(fake, pg_database, port, balancer),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        for port in ports
    ]
    by_pid = {p.pid: p for p in processes}
    try:
        await _until(lambda: leader_pid(pg_database) in by_pid, 30, "a leader")

        # Every update answered once, whichever process the balancer gives it to.
        for user in list(MEMBERS)[:9]:
            fake.send_text(user, "/sos")
        await fake.wait_for(
            lambda: all(
                sum("999" in m.get("text", "") for m in fake.messages_to(u)) == 1
                for u in list(MEMBERS)[:9]
            ),
            timeout=30,
        )
        assert all(taken >= 3 for taken in balancer.taken.values()), balancer.taken

        # A fan-out queued while they run (as a schedule's firing queues one): the leader sends.
        await queue_fanout(pg_database, FANOUT, list(MEMBERS), [])

        def delivered() -> dict[int, int]:
            return {
                u: sum(FANOUT in m.get("text", "") for m in fake.messages_to(u)) for u in MEMBERS
            }

        await fake.wait_for(lambda: sum(delivered().values()) >= 15, timeout=30)
        first = leader_pid(pg_database)
        assert first in by_pid
        by_pid[first].send_signal(signal.SIGKILL)  # mid-fan-out
        took = await _until(
            lambda: leader_pid(pg_database) not in (None, first), 15, "a new leader"
        )
        assert took < 10, took
        await _until(
            lambda: (
                pg_query(
                    pg_database,
                    "SELECT COUNT(*) FROM outbox WHERE key LIKE 'fanout:%' "
                    "AND state NOT IN ('sent', 'skipped')",
                )
                == [(0,)]
            ),
            60,
            "the fan-out settled",
        )
        counts = delivered()
        assert max(counts.values()) == 1, "sent twice"
        settled = dict(
            pg_query(pg_database, "SELECT key, state FROM outbox WHERE key LIKE 'fanout:%'")
        )
        missing = {u for u, n in counts.items() if n == 0}
        skipped = {int(k.split(":")[1]) for k, state in settled.items() if state == "skipped"}
        assert missing <= skipped, "a message never tried was lost"
        # Lost at most what the dead leader had under way: a send is marked as tried just
        # before its request, and no more than BULK_IN_FLIGHT are under way at once. (More may
        # be marked: a message Telegram took whose "sent" was not yet written when the process
        # died is marked too; it arrived, once.)
        assert len(missing) <= BULK_IN_FLIGHT, len(missing)
        print(f"takeover {took:.1f} s; {len(skipped)} of {len(counts)} were in flight at the kill")
    finally:
        await stop_processes(processes)
        await balancer.stop()
