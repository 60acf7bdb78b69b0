"""`python -m bot` is the same as the `haven` console script."""

from bot.cli import main

raise SystemExit(main())
