"""Text helpers every platform adapter needs."""

from __future__ import annotations

from collections.abc import Callable

Measure = Callable[[str], int]


def code_points(text: str) -> int:
    """Discord's measure: its 2,000-character limit counts code points."""
    return len(text)


def utf16_units(text: str) -> int:
    """Telegram's measure: its 4,096-character limit counts UTF-16 code units, so an emoji
    outside the Basic Multilingual Plane takes two."""
    return len(text.encode("utf-16-le")) // 2


def chunks(text: str, limit: int, measure: Measure = code_points) -> list[str]:
    """Split at line breaks (hard-split a single over-long line) so each piece measures at most
    `limit`; pieces holding only white space are dropped, since platforms refuse empty text."""
    if measure(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while measure(line) > limit:
            if current:
                parts.append(current)
                current = ""
            head = _prefix(line, limit, measure)
            parts.append(head)
            line = line[len(head) :]
        candidate = f"{current}\n{line}" if current else line
        if measure(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return [part for part in parts if part.strip()]


def _prefix(line: str, limit: int, measure: Measure) -> str:
    """The longest start of `line` within `limit`, cut at a space when one is near the end and
    never inside a character (a code point is one piece whatever its UTF-16 width)."""
    low, high = 1, len(line)
    while low < high:  # the measure only grows with length, so a binary search finds the cut
        middle = (low + high + 1) // 2
        if measure(line[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    head = line[:low]
    space = head.rfind(" ")
    return head[: space + 1] if space > low * 3 // 4 else head
