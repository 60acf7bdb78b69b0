"""Creative and reflective prompts (data/prompts.toml): one for a member who asks (`/prompt`),
one a schedule posts in a group (`/schedule prompt`), and a sharing circle's opening round.

A community's focus (bot/domain/focus.py) turns the choice toward it: a grief group is offered
the prompts written for grief and the general ones, never those written for another focus."""

from __future__ import annotations

import random

from bot.catalog import ROUND, Catalog, Prompt
from bot.domain.focus import GENERAL


class PromptService:
    def __init__(self, catalog: Catalog, rng: random.Random) -> None:
        self.catalog = catalog
        self.rng = rng

    def pool(self, theme: str | None, focus: str | None) -> list[Prompt]:
        """The prompts that may be offered: of `theme` (any theme when None), for `focus` or
        for everyone; with no focus (or a general one), every prompt of the theme."""
        themed = [p for p in self.catalog.prompts if p.theme != ROUND]
        if theme is not None:
            themed = [p for p in themed if p.theme == theme]
        if focus is None or focus == GENERAL:
            return themed
        fitting = [p for p in themed if focus in p.focus or not p.focus]
        return fitting or themed

    def prompt(
        self, theme: str | None = None, focus: str | None = None, exclude: str | None = None
    ) -> Prompt:
        """One prompt, varied from ask to ask (never `exclude`, the one just shown)."""
        pool = self.pool(theme, focus)
        if exclude is not None and len(pool) > 1:
            pool = [p for p in pool if p.id != exclude]
        return self.rng.choice(pool)

    def opening_round(self) -> Prompt:
        """A question each person in a sharing circle may answer in turn (or pass)."""
        return self.rng.choice([p for p in self.catalog.prompts if p.theme == ROUND])
