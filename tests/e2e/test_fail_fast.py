"""Never deaf but alive: `haven run` ends with a non-zero exit and one line naming the platform
and the cause when a token is rejected (at start or later) or is blank or malformed, never
printing the token; and the chart worker does not outlive a SIGKILL of the bot."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from fakes.discord_api import FakeDiscord
from fakes.haven_discord import populate as populate_discord
from fakes.haven_telegram import ALICE
from fakes.telegram_api import FakeTelegram


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Each case stops at start, before anything is stored: one engine is enough."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env.update(HAVEN_BOT__DATABASE=str(tmp_path / "haven.db"), **extra)
    return env


def telegram_env(fake: FakeTelegram, tmp_path: Path, token: str) -> dict[str, str]:
    return base_env(
        tmp_path,
        HAVEN_TELEGRAM__TOKEN=token,
        HAVEN_TELEGRAM__BASE_URL=fake.base_url,
        HAVEN_TELEGRAM__BASE_FILE_URL=fake.base_file_url,
    )


async def spawn(env: dict[str, str], cwd: Path, output: int) -> asyncio.subprocess.Process:
    """`haven run` as a real process, its stdout and stderr going to `output`."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=output,
        stderr=output,
    )


async def run(env: dict[str, str], cwd: Path, timeout: float = 40) -> tuple[int, str]:
    process = await spawn(env, cwd, asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode or 0, (stdout + stderr).decode()


def assert_clean(output: str, secret: str) -> None:
    assert "Traceback" not in output, output
    assert secret not in output, output
    if ":" in secret:
        assert secret.split(":", 1)[1] not in output, output


async def test_a_telegram_token_rejected_at_start(fake: FakeTelegram, tmp_path: Path) -> None:
    wrong = "123456:WRONG-token-xyz"
    code, output = await run(telegram_env(fake, tmp_path, wrong), tmp_path)
    assert code == 1, output
    assert "telegram: the token was rejected (401 Unauthorized)" in output
    assert_clean(output, wrong)


async def test_a_telegram_token_rejected_later_ends_the_process(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """Deaf but alive no more: a 401 on getUpdates after a good start."""
    process = await spawn(
        telegram_env(fake, tmp_path, fake.token), tmp_path, asyncio.subprocess.PIPE
    )
    try:
        fake.send_text(ALICE, "/sos")
        # A fresh process on a busy 2-core machine (six test workers) may take this long to
        # answer its first update; one CI run missed 20 s.
        await fake.wait_for(lambda: bool(fake.messages_to(ALICE)), 45)
        fake.fail_next("getUpdates", 401, "Unauthorized")
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
    output = (stdout + stderr).decode()
    assert process.returncode == 1, output
    assert "telegram: the token was rejected (401 Unauthorized)" in output
    assert_clean(output, fake.token)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("", "telegram.token: is empty"),
        ("   ", "telegram.token: is empty"),
        ("not a token", "telegram.token: does not look like a token"),
    ],
)
async def test_a_blank_or_malformed_token_is_refused_at_once(
    tmp_path: Path, value: str, says: str
) -> None:
    started = time.monotonic()
    code, output = await run(base_env(tmp_path, HAVEN_TELEGRAM__TOKEN=value), tmp_path, 20)
    assert code == 2, output
    assert says in output and output.count("\n") <= 1
    assert_clean(output, value) if value.strip() else None
    assert time.monotonic() - started < 15


async def test_a_discord_token_rejected_at_start(tmp_path: Path) -> None:
    fake = FakeDiscord()
    populate_discord(fake)
    await fake.start()
    wrong = "wrong.discord.token"
    try:
        code, output = await run(
            base_env(
                tmp_path,
                HAVEN_DISCORD__TOKEN=wrong,
                HAVEN_DISCORD__API_BASE=fake.api_base,
                HAVEN_DISCORD__GATEWAY_URL=fake.gateway_url,
            ),
            tmp_path,
        )
    finally:
        await fake.stop()
    assert code == 1, output
    assert "discord: the token was rejected (401 Unauthorized)" in output
    assert_clean(output, wrong)


def children(pid: int) -> set[int]:
    """Every live descendant of a process, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
async def test_the_chart_worker_dies_with_the_bot(fake: FakeTelegram, tmp_path: Path) -> None:
    process = await spawn(
        telegram_env(fake, tmp_path, fake.token), tmp_path, asyncio.subprocess.DEVNULL
    )
    try:
        fake.send_text(ALICE, "/sos")  # the worker starts with the bot; wait until it runs
        await fake.wait_for(lambda: bool(fake.messages_to(ALICE)), 20)
        deadline = time.monotonic() + 20
        while not children(process.pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        workers = children(process.pid)
        assert workers, "the chart worker is running"
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    deadline = time.monotonic() + 10
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    assert not any(alive(p) for p in workers), "no worker outlives the bot"
