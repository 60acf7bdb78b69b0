"""Anonymous community aggregates: shown only when enough distinct members contributed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Aggregate:
    members: int
    checkins: int
    average: float
    distribution: tuple[tuple[str, int], ...]  # ("1-2", n), ("3", n), ("4-5", n), merged


def aggregate(entries: Iterable[tuple[int, int]], min_group: int) -> Aggregate | None:
    """None below `min_group` distinct members. Moods are merged into low / middle / high so
    that no category can single out one person's answer in a small group."""
    rows = list(entries)
    members = len({member for member, _ in rows})
    if members < min_group:
        return None
    counts = Counter("1-2" if m <= 2 else "3" if m == 3 else "4-5" for _, m in rows)
    average = sum(m for _, m in rows) / len(rows)
    return Aggregate(
        members,
        len(rows),
        average,
        tuple((band, counts.get(band, 0)) for band in ("1-2", "3", "4-5")),
    )
