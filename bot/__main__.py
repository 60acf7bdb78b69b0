"""`python -m bot` is the same as the `haven` console script."""

from bot.cli import main

if __name__ == "__main__":  # the chart worker process imports this module too; it must not run
    raise SystemExit(main())
