"""`haven run` as its own process, configured only by environment variables, driven through the
fake Bot API; SIGTERM stops it cleanly and the token never reaches its logs."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from fakes.haven_telegram import ALICE
from fakes.telegram_api import FakeTelegram
from shared import Databases


def _env(fake: FakeTelegram, token: str | None = None) -> dict[str, str]:
    """This process's environment without any HAVEN_ setting, pointed at the fake Bot API."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env.update(
        HAVEN_TELEGRAM__TOKEN=token or fake.token,
        HAVEN_TELEGRAM__BASE_URL=fake.base_url,
        HAVEN_TELEGRAM__BASE_FILE_URL=fake.base_file_url,
    )
    return env


async def test_haven_run_from_environment(
    database: Databases, fake: FakeTelegram, tmp_path: Path
) -> None:
    env = _env(fake)
    env.update(HAVEN_BOT__DATABASE=str(database("haven.db")), HAVEN_BOT__COUNTRY="GB")
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
        fake.send_text(ALICE, "/sos")  # waits in the fake until the bot's first getUpdates
        await fake.wait_for(
            lambda: any("999" in m.get("text", "") for m in fake.messages_to(ALICE)), timeout=15
        )
        fake.send_text(ALICE, "/consent yes")  # nothing is kept before the member agrees
        await fake.wait_for(
            lambda: any(
                "consent is recorded" in m.get("text", "") for m in fake.messages_to(ALICE)
            ),
            timeout=15,
        )
        fake.send_text(ALICE, "/checkin 4")
        await fake.wait_for(
            lambda: any("Recorded" in m.get("text", "") for m in fake.messages_to(ALICE)),
            timeout=15,
        )
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    logs = (stdout + stderr).decode()
    assert process.returncode == 0, logs
    assert "Haven stopped" in logs
    assert fake.token not in logs
    assert fake.token.split(":", 1)[1] not in logs


async def _haven(fake: FakeTelegram, tmp_path: Path, *args: str, token: str | None = None):
    env = _env(fake, token)
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


async def test_check_and_invite_reach_the_bot_api_once(fake: FakeTelegram, tmp_path: Path) -> None:
    code, out, err = await _haven(fake, tmp_path, "check")
    assert code == 0, err
    [line] = [x for x in out.splitlines() if x.startswith("telegram:")]
    assert line.startswith("telegram: ok, @") and "privacy mode" in line
    assert fake.token not in out + err
    code, out, err = await _haven(fake, tmp_path, "invite")
    assert code == 0, err
    assert out.startswith("telegram: https://t.me/") and "?startgroup=" in out


async def test_check_names_a_rejected_token_in_one_line(fake: FakeTelegram, tmp_path: Path) -> None:
    wrong = "999999:" + "x" * 35
    code, out, err = await _haven(fake, tmp_path, "check", token=wrong)
    assert code == 1
    assert "telegram: the token was rejected (401 Unauthorized)" in out
    assert wrong not in out + err and "Traceback" not in err
