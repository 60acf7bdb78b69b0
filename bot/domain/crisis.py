"""The crisis screen: does a text addressed to the bot suggest someone may be in danger?

The phrases live in data/crisis/ so reviewers can change them without touching code. The
screen leans toward answering: a gentle reply to a false alarm costs far less than silence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalise(text: str) -> str:
    """NFKC, case folded, zero-width characters removed, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH).casefold()
    return " ".join(folded.split())


def _pattern(phrase: str) -> str:
    """Each letter may repeat ("kiiill"), words may be split by any non-letters ("end.my life")."""
    words = normalise(phrase).split()
    parts = ["".join(re.escape(ch) + ("+" if ch.isalpha() else "") for ch in w) for w in words]
    return r"(?<![^\W_])" + r"[\W_]+".join(parts) + r"(?![^\W_])"


@dataclass(frozen=True)
class Screen:
    phrases: re.Pattern[str]
    allowed: re.Pattern[str] | None

    @classmethod
    def build(cls, phrases: Iterable[str], allowed: Iterable[str] = ()) -> Screen:
        phrase_list = [p for p in phrases if p.strip()]
        if not phrase_list:
            raise ValueError("the crisis lexicon is empty")
        allow_list = [a for a in allowed if a.strip()]
        return cls(
            re.compile("|".join(_pattern(p) for p in phrase_list)),
            re.compile("|".join(_pattern(a) for a in allow_list)) if allow_list else None,
        )

    def matches(self, text: str) -> bool:
        cleaned = normalise(text)
        if self.allowed is not None:
            cleaned = self.allowed.sub(" ", cleaned)
        return self.phrases.search(cleaned) is not None
