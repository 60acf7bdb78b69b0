"""`python -m bench` (or `python3 tasks.py bench`): run every benchmark and print the figures."""

import asyncio

from bench import checkins, telegram


def main() -> None:
    asyncio.run(checkins.main())
    asyncio.run(telegram.main())


if __name__ == "__main__":
    main()
