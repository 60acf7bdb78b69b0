"""Anonymous community aggregates that cannot single anyone out.

Three rules, each against a way a small group's numbers give a person away:

- nothing at all below `min_group` distinct members (k-anonymity);
- the low / middle / high bands only when every band holds at least `min_group` members, so a
  band of one or two, or an empty band, never tells a lead what a few people answered;
- the average only when the members do not all sit in one band: "five members, average 1.4"
  would otherwise say that every one of them was low.

Each member counts once per week, by the mean of their own check-ins, so someone who checks in
ten times weighs no more than someone who checks in once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

BANDS = ("1-2", "3", "4-5")


@dataclass(frozen=True)
class Aggregate:
    members: int
    checkins: int
    average: float | None  # mean of the members' means; None when all share one band
    distribution: tuple[tuple[str, int], ...] | None  # members per band; None unless all >= k


def band(mood: float) -> str:
    return "1-2" if mood < 2.5 else "3" if mood < 3.5 else "4-5"


def aggregate(entries: Iterable[tuple[int, int]], min_group: int) -> Aggregate | None:
    """`entries` are (member id, mood) of consenting members; None below `min_group` members."""
    moods: dict[int, list[int]] = {}
    checkins = 0
    for member, mood in entries:
        moods.setdefault(member, []).append(mood)
        checkins += 1
    if len(moods) < max(min_group, 1):
        return None
    means = [sum(values) / len(values) for values in moods.values()]
    counts = Counter(band(mean) for mean in means)
    distribution = tuple((b, counts.get(b, 0)) for b in BANDS)
    return Aggregate(
        members=len(moods),
        checkins=checkins,
        average=sum(means) / len(means) if len(counts) > 1 else None,
        distribution=distribution if all(n >= min_group for _, n in distribution) else None,
    )
