"""`python -m bench` (or `python3 tasks.py bench`): run every benchmark and print the figures."""

import asyncio

from bench import (
    charts,
    checkins,
    crisis_eval,
    crisis_screen,
    discord_roundtrip,
    telegram_roundtrip,
)


def main() -> None:
    asyncio.run(checkins.main())
    asyncio.run(telegram_roundtrip.main())
    asyncio.run(discord_roundtrip.main())
    asyncio.run(charts.main())
    asyncio.run(crisis_screen.main())
    crisis_eval.main([])


if __name__ == "__main__":
    main()
