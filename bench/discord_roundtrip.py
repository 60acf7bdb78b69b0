"""Discord interaction latency: from INTERACTION_CREATE on the gateway to the interaction
callback arriving at the REST API (the fake servers on 127.0.0.1), beside the anchor of a bare
REST round trip (GET /users/@me through discord.py) in the same run."""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.discord_api import FakeDiscord
from fakes.haven_discord import ALICE, GUILD, Endpoints, populate, start_haven, stop_haven

ROUNDS = 40


def _summary(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return f"median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms"


async def main() -> None:
    fake = FakeDiscord()
    populate(fake)
    with Endpoints(), tempfile.TemporaryDirectory() as folder:
        await fake.start()
        haven = await start_haven(fake, Path(folder) / "haven.db")
        try:
            client = haven.adapter.client
            assert client is not None
            anchor = []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                await client.http.get_user(ALICE)
                anchor.append(time.perf_counter() - started)
            ours = []
            for round_ in range(ROUNDS):
                interaction = await fake.slash(
                    ALICE,
                    "checkin",
                    [{"type": 4, "name": "mood", "value": 1 + round_ % 5}],
                    guild_id=GUILD,
                )
                (response,) = await fake.wait_responses(interaction, 1)
                ours.append(response.at - interaction.created)
        finally:
            await stop_haven(haven)
            await fake.stop()
    print(f"discord: {ROUNDS} /checkin interactions, fake gateway and REST API on 127.0.0.1")
    print(f"  bare REST round trip (GET user)     : {_summary(anchor)}  (anchor)")
    print(f"  interaction -> callback through Haven: {_summary(ours)}")
    print("  deadline                            : 3000 ms (Haven defers after 2000 ms)")


if __name__ == "__main__":
    asyncio.run(main())
