"""Dates as members write them in any language Haven speaks: "2026-01-10", "10 January 2026",
"January 10, 2026", "10 enero 2026", "10 de janeiro de 2026", "10. Januar 2026", "10 janv.
2026", "1er mars 2026", "10.01.2026". Month names come from Babel's locale data (full and
short, as written in a date and standing alone), accents and case optional, so a language
added to the catalogues is understood without a list to keep.

Numeric dates with slashes are refused: 01/02/2026 is January in one country and February in
the next, and a wrong date is worse than a question."""

from __future__ import annotations

import functools
import re
from datetime import date

from babel import Locale

from bot.i18n import LANGUAGES, folded

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")  # 10.01.2026: day first, as dotted dates are
PIECES = re.compile(r"\d+|[^\W\d_]+")
# Words a date may carry besides its day, month and year: "de", "of", "the", ordinal endings.
FILLERS = frozenset({"de", "del", "of", "the", "st", "nd", "rd", "th", "er", "o", "a", "º", "ª"})


@functools.cache
def month_names() -> dict[str, int]:
    """Every catalogue language's month names and abbreviations (folded) to 1-12; a word two
    months share somewhere is left out rather than guessed."""
    seen: dict[str, set[int]] = {}
    for language in ("en_GB", "en_US", "de_AT", "es_419", "fr_CA", "pt_PT", *LANGUAGES):
        locale = Locale.parse(language)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.months[context][width].items():
                    word = folded(name).rstrip(".")
                    seen.setdefault(word, set()).add(number)
    seen.setdefault("sept", set()).add(9)  # as often written in English as "sep"
    return {word: next(iter(months)) for word, months in seen.items() if len(months) == 1}


def read_date(text: str) -> date | None:
    """The date `text` names, or None when it names none (or an impossible one, 31 April)."""
    text = text.strip()
    try:
        if ISO.fullmatch(text):
            return date.fromisoformat(text)
        if dotted := DOTTED.fullmatch(text):
            day, month, year = (int(x) for x in dotted.groups())
            return date(year, month, day)
    except ValueError:
        return None
    if "/" in text:
        return None
    months = month_names()
    numbers: list[int] = []
    named: list[int] = []
    for piece in PIECES.findall(folded(text)):
        if piece.isdigit():
            numbers.append(int(piece))
        elif piece in months:
            named.append(months[piece])
        elif piece not in FILLERS:
            return None  # a word that is neither a month nor a filler: not a date
    if len(named) != 1 or len(numbers) != 2:
        return None
    day, year = (numbers[0], numbers[1]) if numbers[1] > 31 else (numbers[1], numbers[0])
    if year < 1000 or day > 31:
        return None
    try:
        return date(year, named[0], day)
    except ValueError:
        return None


def date_word(token: str) -> bool:
    """Whether `token` may continue a date written in words ("enero", "2026", "de", "1er")."""
    pieces = PIECES.findall(folded(token))
    return bool(pieces) and all(p.isdigit() or p in month_names() or p in FILLERS for p in pieces)
