"""Aggregates that cannot single anyone out: the three rules, for any group and any moods."""

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.aggregates import aggregate, band

ENTRIES = st.lists(st.tuples(st.integers(1, 30), st.integers(1, 5)), max_size=120)


@given(ENTRIES, st.integers(1, 8))
def test_nothing_below_the_threshold_and_bands_only_when_each_holds_it(entries, k) -> None:
    result = aggregate(entries, k)
    members = {m for m, _ in entries}
    if len(members) < k or not members:
        assert result is None
        return
    assert result is not None and result.members == len(members)
    if result.distribution is not None:
        assert all(count >= k for _, count in result.distribution)
        assert sum(count for _, count in result.distribution) == len(members)


@given(ENTRIES, st.integers(1, 8))
def test_no_average_when_every_member_shares_one_band(entries, k) -> None:
    result = aggregate(entries, k)
    if result is None:
        return
    moods: dict[int, list[int]] = {}
    for member, mood in entries:
        moods.setdefault(member, []).append(mood)
    bands = {band(sum(v) / len(v)) for v in moods.values()}
    assert (result.average is None) == (len(bands) == 1)


def test_five_low_members_tell_the_lead_nothing_about_mood() -> None:
    result = aggregate([(n, 1 + n % 2) for n in range(5)], 5)
    assert result is not None and result.average is None and result.distribution is None


def test_a_member_counts_once_however_often_they_check_in() -> None:
    entries = [(1, 5)] * 20 + [(n, 1) for n in range(2, 6)]
    result = aggregate(entries, 5)
    assert result is not None and result.checkins == 24 and result.average == 1.8
