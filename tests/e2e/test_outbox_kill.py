"""SIGKILL during a 330-message fan-out, at random points, then a restart: nobody gets the
prompt twice, and every message that was never attempted is sent after the restart; only the
requests in flight at the kill may be lost (they are settled as skipped, never resent)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest
from fakes.telegram_api import FakeTelegram
from shared import Databases, connect

from bot.app import build
from bot.core.messages import Actor, private
from bot.settings import Settings
from bot.storage.outbox import BULK, OutboxItem

MEMBERS = [7000 + i for i in range(330)]


def environment(fake: FakeTelegram, database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env.update(
        HAVEN_TELEGRAM__TOKEN=fake.token,
        HAVEN_TELEGRAM__BASE_URL=fake.base_url,
        HAVEN_TELEGRAM__BASE_FILE_URL=fake.base_file_url,
        HAVEN_BOT__DATABASE=str(database),
    )
    return env


async def queue_fan_out(database: Path) -> None:
    app = build(Settings(bot={"database": database}))
    await app.start()
    await app.outbox.enqueue(
        [
            OutboxItem(
                f"fan:{user}",
                private("Time for your check-in", to=Actor("telegram", str(user), "M")),
                None,
                BULK,
            )
            for user in MEMBERS
        ]
    )
    await app.close()


async def run_haven(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    log = (cwd / "haven.log").open("ab")  # a file, not a pipe: a full pipe would stall it
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=cwd,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    finally:
        log.close()


def delivered(fake: FakeTelegram) -> Counter[int]:
    return Counter(
        int(call.params["chat_id"])
        for call in fake.calls_of("sendMessage")
        if "check-in" in str(call.params.get("text", ""))
    )


def states(database: Path) -> dict[str, int]:
    with connect(database) as conn:
        return dict(conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())


@pytest.mark.parametrize("seed", [1, 2])
async def test_kill_and_restart_mid_fan_out(
    database: Databases, fake: FakeTelegram, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    for user in MEMBERS:
        fake.add_user(user, f"Member {user}")
    database = database("haven.db")
    await queue_fan_out(database)
    env = environment(fake, database)
    kills = sorted(rng.sample(range(20, 300), 2))  # after this many deliveries, SIGKILL
    for kill_at in kills:
        process = await run_haven(env, tmp_path)
        try:
            await fake.wait_for(lambda k=kill_at: sum(delivered(fake).values()) >= k, 60)
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
    process = await run_haven(env, tmp_path)
    try:
        await fake.wait_for(lambda: states(database).get("pending", 0) == 0, 90)
        await fake.wait_for(lambda: states(database).get("sending", 0) == 0, 30)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    logs = (tmp_path / "haven.log").read_text()
    counts = delivered(fake)
    assert max(counts.values()) == 1, "nobody gets the prompt twice"
    with connect(database) as conn:
        skipped = {
            int(key.removeprefix("fan:"))
            for (key,) in conn.execute("SELECT key FROM outbox WHERE state = 'skipped'")
        }
        lost_or_shown = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE state = 'skipped' AND attempted_at IS NULL"
        ).fetchone()[0]
    missing = set(MEMBERS) - set(counts)
    assert missing <= skipped, "a message never attempted was lost"
    assert lost_or_shown == 0, "only attempted messages are skipped"
    assert len(skipped) <= 2 * 30, skipped  # at most the requests in flight at each kill
    if skipped:
        assert "in flight when the bot stopped" in logs
    assert states(database).get("sent", 0) + len(skipped) == len(MEMBERS)
