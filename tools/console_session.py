"""A console session on a simulated clock with a fresh database: what the transcripts in
docs/transcripts/ are made of (tools/gatherings_week.py, tools/peer_support_path.py)."""

from __future__ import annotations

import asyncio
import io
import random
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.console.adapter import ConsoleAdapter  # noqa: E402
from bot.app import build  # noqa: E402
from bot.core.clock import SimulatedClock  # noqa: E402
from bot.settings import Settings  # noqa: E402

START = "2026-01-05T08:00:00+00:00"  # a Monday


def run(script: list[str], folder: Path, start: str = START) -> str:
    """The console's output for `script`, with a fresh database in `folder` (whose path, where
    the console writes attachments, is shown as <folder>)."""
    out = io.StringIO()

    async def session() -> None:
        settings = Settings(bot={"database": str(folder / "session.db")})
        clock = SimulatedClock(datetime.fromisoformat(start))
        app = build(settings, clock=clock, rng=random.Random(0), cooldown=False)
        await app.start()
        try:
            console = ConsoleAdapter(
                app, clock, out=out, attachments=folder / "attachments", zone="UTC"
            )
            await console.run(io.StringIO("\n".join(script) + "\n"))
        finally:
            await app.close()

    asyncio.run(session())
    return out.getvalue().replace(str(folder), "<folder>")


def main(argv: list[str], transcript: Callable[[Path], str], out: Path) -> int:
    """`-` prints the transcript; otherwise it is written to `out`."""
    with tempfile.TemporaryDirectory() as folder:
        text = transcript(Path(folder))
    if argv == ["-"]:
        print(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    return 0
