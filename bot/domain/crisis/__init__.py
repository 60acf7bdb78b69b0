"""The crisis screen: does a text addressed to the bot suggest someone may be in danger?

`Screen.from_folder(DATA_DIR / "crisis")` reads the rules of every language and the learned
signal; `Screen.verdict(text)` says NONE, POINTER or FULL, with the kind and the language.
"""

from functools import cache

from bot import DATA_DIR
from bot.domain.crisis.rules import Level
from bot.domain.crisis.screen import NOTHING, Screen, Verdict
from bot.domain.crisis.text import MAX_CHARS, normalise

__all__ = ["MAX_CHARS", "NOTHING", "Level", "Screen", "Verdict", "crisis_screen_rules", "normalise"]


@cache
def crisis_screen_rules() -> Screen:
    """The shipped screen, built once a process (it is immutable and takes a moment to build),
    and kept built between processes (bot/domain/crisis/built.py)."""
    from bot.domain.crisis.built import cache_folder, load_screen

    return load_screen(DATA_DIR / "crisis", cache_folder())
