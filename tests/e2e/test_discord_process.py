"""`haven run` as its own process with only HAVEN_DISCORD__* set, driven through the fake
Discord servers; SIGTERM stops it cleanly and the token never reaches its logs."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from fakes.discord_api import FakeDiscord
from fakes.haven_discord import ALICE, GUILD, populate
from shared import Databases


def _env(fake: FakeDiscord) -> dict[str, str]:
    """This process's environment without any HAVEN_ setting, pointed at the fake Discord."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env.update(
        HAVEN_DISCORD__TOKEN=fake.token,
        HAVEN_DISCORD__API_BASE=fake.api_base,
        HAVEN_DISCORD__GATEWAY_URL=fake.gateway_url,
    )
    return env


async def test_haven_run_from_environment(database: Databases, tmp_path: Path) -> None:
    fake = FakeDiscord()
    populate(fake)
    await fake.start()
    env = _env(fake)
    env["HAVEN_BOT__DATABASE"] = str(database("haven.db"))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--verbose",
        "run",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_ready(timeout=30)
        await fake.wait_for(lambda: "global" in fake.commands, timeout=10)
        agreed = await fake.slash(  # nothing is kept before the member agrees
            ALICE, "consent", [{"type": 3, "name": "answer", "value": "yes"}], guild_id=GUILD
        )
        (consent,) = await fake.wait_responses(agreed, 1, timeout=15)
        assert consent.ephemeral and "consent is recorded" in consent.content
        interaction = await fake.slash(
            ALICE, "checkin", [{"type": 4, "name": "mood", "value": 3}], guild_id=GUILD
        )
        (response,) = await fake.wait_responses(interaction, 1, timeout=15)
        assert response.ephemeral and "Recorded privately" in response.content
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        await fake.stop()
    logs = (stdout + stderr).decode()
    assert process.returncode == 0, logs
    assert "Haven stopped" in logs
    assert fake.token not in logs


async def test_check_and_invite_reach_discord_once(tmp_path: Path) -> None:
    fake = FakeDiscord()
    populate(fake)
    await fake.start()
    env = _env(fake)

    async def haven(*args: str) -> tuple[int | None, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            cwd=tmp_path,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        return process.returncode, stdout.decode(), stderr.decode()

    try:
        code, out, err = await haven("check")
        assert code == 0, err
        assert any(x.startswith("discord: ok, ") for x in out.splitlines()), out
        code, out, err = await haven("invite")
        assert code == 0, err
        assert out.startswith("discord: https://discord.com/oauth2/authorize?client_id=")
        assert "scope=bot+applications.commands" in out and "permissions=274878024704" in out
        assert fake.token not in out + err
    finally:
        await fake.stop()
