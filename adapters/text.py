"""Text helpers every platform adapter needs."""

from __future__ import annotations


def chunks(text: str, limit: int) -> list[str]:
    """Split at line breaks (hard-split a single over-long line) so each piece fits `limit`."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
