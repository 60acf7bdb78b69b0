"""Property tests of the one argument parser every text surface uses (bot.core.options)."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from datetime import date

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from bot.core.options import (
    QUOTES,
    UNSAFE,
    ArgumentError,
    Kind,
    Option,
    Tokens,
    check_values,
    clean,
    parse_options,
    visible,
)
from bot.core.registry import Registry
from bot.domain.moods import FEELINGS, MAX_MOOD, MAX_NOTE_CHARS, MIN_MOOD
from commands import all_commands
from commands.checkin import CHECKIN, FEELING_TAGS, MOOD, NOTE

FULL_WIDTH = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")
SPACES = st.text(alphabet=" \t\u3000\u00a0", max_size=3)  # ASCII, ideographic, no-break
REGISTRY = Registry(all_commands())
ALL_OPTIONS = [
    option
    for command in REGISTRY
    for target in (command, *command.subcommands)
    for option in target.options
]
ANY_TEXT = st.text(max_size=60) | st.text(alphabet=' "“”„«»,-0123456789abc\t', max_size=30)


def _bounded_int_option(low: int, high: int) -> Option:
    return Option("n", Kind.INT, "A number", min=low, max=high)


@st.composite
def range_and_inside(draw: st.DrawFn) -> tuple[int, int, int]:
    low = draw(st.integers(-(10**6), 10**6))
    high = draw(st.integers(low, low + 10**6))
    return low, high, draw(st.integers(low, high))


# -- integers ---------------------------------------------------------------------------------


@given(range_and_inside(), SPACES, SPACES, st.booleans(), st.booleans())
def test_every_integer_in_range_parses(bounds, before, after, full_width, plus):
    low, high, value = bounds
    text = f"+{value}" if plus and value >= 0 else str(value)
    if full_width:
        text = text.translate(FULL_WIDTH)
    option = _bounded_int_option(low, high)
    assert option.convert(before + text + after) == value
    assert parse_options([option], before + text + after) == {"n": value}


@given(st.integers(MIN_MOOD, MAX_MOOD), SPACES, SPACES)
def test_every_mood_parses_in_full_width_and_with_spaces(mood, before, after):
    full = str(mood).translate(FULL_WIDTH)
    assert MOOD.convert(before + full + after) == mood
    assert parse_options(CHECKIN.options, f"{before}{full}{after}") == {"mood": mood}


@given(st.integers(-(10**30), 10**30).filter(lambda v: not MIN_MOOD <= v <= MAX_MOOD))
def test_every_out_of_range_integer_is_an_argument_error(value):
    with pytest.raises(ArgumentError, match=f"from {MIN_MOOD} to {MAX_MOOD}"):
        MOOD.convert(str(value))
    with pytest.raises(ArgumentError):
        MOOD.convert(str(value).translate(FULL_WIDTH))


@pytest.mark.parametrize("digits", [4299, 4301, 10_000])
def test_enormous_numbers_are_argument_errors_not_crashes(digits):
    with pytest.raises(ArgumentError):
        MOOD.convert("9" * digits)
    with contextlib.suppress(ArgumentError):  # leading zeros: read as 1, or refused politely
        assert _bounded_int_option(0, 10).convert("0" * digits + "1") == 1


NON_INTEGERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.from_regex(r"\A[0-9]{1,3}[.,][0-9]{1,3}\Z"),  # 4.5, 4,5
    st.from_regex(r"\A[0-9]{0,2}[a-zA-Z_ ]+[0-9]{0,2}\Z"),  # 4a, abc, 1_000, "4 5"
    st.sampled_from(["", " ", '""', "--1", "+-2", "1e3", "0x10", "½", "IV", "four", "٤.٥"]),
)


@given(NON_INTEGERS)
def test_every_non_integer_is_an_argument_error(text):
    assume(not re.fullmatch(r"[+-]?[0-9]+", text.strip()))
    with pytest.raises(ArgumentError):
        MOOD.convert(text)
    with pytest.raises(ArgumentError):
        Option("n", Kind.INT, "Unbounded").convert(text)


@given(st.text(max_size=40))
def test_int_conversion_of_any_text_returns_an_int_in_range_or_argument_error(text):
    try:
        value = MOOD.convert(text)
    except ArgumentError:
        return
    assert isinstance(value, int) and MIN_MOOD <= value <= MAX_MOOD


# -- feelings (tags) --------------------------------------------------------------------------


def _case(draw: st.DrawFn, word: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c for c in word)


@st.composite
def tag_lists(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Known feelings in any order, with repeats, in any case, with spaces around each."""
    picked = draw(st.lists(st.sampled_from(FEELINGS), min_size=1, max_size=8))
    words = [draw(SPACES) + _case(draw, w) + draw(SPACES) for w in picked]
    return ",".join(words), picked


@given(tag_lists())
def test_tag_lists_parse_to_known_tags_without_duplicates(case):
    raw, picked = case
    tags = FEELING_TAGS.convert(raw)
    assert len(tags) == len(set(tags))
    assert set(tags) <= set(FEELINGS)
    assert list(tags) == list(dict.fromkeys(picked))  # first mention wins the order


@given(st.lists(st.sampled_from(FEELINGS), min_size=1, max_size=6), st.integers(1, 5))
def test_tags_in_a_checkin_line_parse_in_any_case_and_order(picked, mood):
    line = f"{mood} {','.join(w.upper() for w in reversed(picked))} a few words"
    values = parse_options(CHECKIN.options, line)
    assert values["mood"] == mood
    assert set(values["feelings"]) == set(picked)
    assert len(values["feelings"]) == len(set(picked))
    assert values["note"] == "a few words"


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_an_unknown_feeling_is_an_argument_error(word):
    assume(word not in FEELINGS)
    with pytest.raises(ArgumentError, match="unknown feelings"):
        FEELING_TAGS.convert(f"calm,{word}")


# -- any text ---------------------------------------------------------------------------------


@given(ANY_TEXT)
@example('3 "so tired')
@example("9" * 5000)
def test_random_text_never_raises_anything_but_argument_error(text):
    for command in REGISTRY:
        with contextlib.suppress(ArgumentError):
            REGISTRY.resolve(command, text)


@given(ANY_TEXT)
def test_every_real_option_converts_or_raises_argument_error(text):
    for option in ALL_OPTIONS:
        with contextlib.suppress(ArgumentError):
            option.convert(text)


# -- quoting and free text --------------------------------------------------------------------


@given(st.sampled_from(sorted(QUOTES.items())), st.text(max_size=30), st.text(max_size=30))
def test_quoted_tokens_round_trip(pair, inner, tail):
    opening, closing = pair
    assume(closing not in inner)
    tokens = Tokens(f"{opening}{inner}{closing} {tail}")
    assert tokens.next() == inner
    assert tokens.rest() == tail.strip()


@given(
    st.text(min_size=1, max_size=30).filter(
        lambda s: visible(unicodedata.normalize("NFKC", clean(s)).strip()) and '"' not in s
    )
)
def test_a_quoted_word_option_keeps_its_spaces_inside(inner):
    option = Option("label", Kind.WORD, "A label", required=True)
    assert parse_options([option], f' "{inner}" ') == {"label": option.convert(clean(inner))}


@given(st.text(max_size=MAX_NOTE_CHARS + 20))
def test_text_option_keeps_the_note_verbatim_and_enforces_its_limit(text):
    note = clean(text).strip()  # verbatim but for unsafe characters, which never get through
    if len(note) > MAX_NOTE_CHARS:
        with pytest.raises(ArgumentError, match=f"the limit is {MAX_NOTE_CHARS}"):
            parse_options([NOTE], text)
        return
    if note and not visible(note):
        with pytest.raises(ArgumentError, match="no visible characters"):
            parse_options([NOTE], text)
        return
    assert NOTE.convert(clean(text)) == note
    assert parse_options([NOTE], text) == ({"note": note} if note else {})


@given(st.integers(1, 5), st.text(max_size=200))
def test_a_checkin_note_after_the_mood_is_kept_verbatim(mood, rest):
    values = parse_options(CHECKIN.options, f"{mood} today {rest}")
    assert values == {"mood": mood, "note": clean(f"today {rest}").strip()}


# -- unsafe characters ------------------------------------------------------------------------

# Control characters (but newline and tab), bidi overrides and isolates, lone surrogates.
UNSAFE_CHARS = st.one_of(
    st.sampled_from([chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]),
    st.sampled_from([chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]),
    st.integers(0xD800, 0xDFFF).map(chr),
)
SAFE_PIECES = st.sampled_from(
    ["4", " ", "\n", "\t", '"', ",", "tired", "calm", "add", "show", "2026-01-01", "daily 09:00"]
)
DIRTY_TEXT = st.lists(UNSAFE_CHARS | SAFE_PIECES | st.text(max_size=5), max_size=20).map("".join)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


@given(UNSAFE_CHARS)
def test_every_unsafe_character_is_matched_and_cleaned(char):
    assert UNSAFE.search(char) and clean(f"a{char}b") == "ab"


@given(
    st.text(
        alphabet=st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from("\n\t"),
        max_size=60,
    )
)
def test_clean_keeps_newlines_tabs_and_ordinary_text(text):
    assume(not UNSAFE.search(text))  # the bidi controls are format characters, not Cc
    assert clean(text) == text


@given(DIRTY_TEXT)
@example("4 tired \u202egnp.exe\u202c ok")
@example("4 note\x00with\x1b[31mescapes\udc80")
@example("add \u2066sober\u2069 2026-01-01")
def test_parsed_values_never_contain_unsafe_characters(text):
    for command in REGISTRY:
        try:
            resolved = REGISTRY.resolve(command, text)
        except ArgumentError:
            continue
        for value in _strings(list(resolved.args.values())):
            assert not UNSAFE.search(value), (command.name, text, resolved.args)


@given(DIRTY_TEXT)
def test_typed_values_never_contain_unsafe_characters(text):
    """Discord's typed options go through check_values: the same cleaning applies."""
    for option in ALL_OPTIONS:
        try:
            values = check_values([option], {option.name: text})
        except ArgumentError:
            continue
        for value in _strings(list(values.values())):
            assert not UNSAFE.search(value), (option.name, text, values)


def test_a_note_may_start_with_an_unclosed_quote():
    assert parse_options(CHECKIN.options, '3 "so tired') == {"mood": 3, "note": '"so tired'}


def test_a_text_option_over_its_limit_by_one_is_refused():
    assert NOTE.convert("x" * MAX_NOTE_CHARS) == "x" * MAX_NOTE_CHARS
    with pytest.raises(ArgumentError):
        NOTE.convert("x" * (MAX_NOTE_CHARS + 1))


# -- dates ------------------------------------------------------------------------------------

DATE = Option("since", Kind.DATE, "A day", required=True)


@given(st.dates(), SPACES, SPACES)
def test_iso_dates_parse_within_sensible_years(day, before, after):
    text = before + day.isoformat() + after
    if 1900 <= day.year <= 2100:
        assert DATE.convert(text) == day
    else:
        with pytest.raises(ArgumentError, match="between 1900 and 2100"):
            DATE.convert(text)


@given(
    st.dates(min_value=date(1000, 1, 1)),
    st.sampled_from(["%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%Y%m%d"]),
)
def test_ambiguous_or_unreadable_date_formats_are_refused(day, layout):
    with pytest.raises(ArgumentError, match="must be a date like"):
        DATE.convert(day.strftime(layout))


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(["%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%B %d, %Y", "%d of %B %Y"]),
)
def test_dates_in_words_and_dotted_dates_parse(day, layout):
    assert DATE.convert(day.strftime(layout)) == day


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2026-13-01", "2026-1-5", "26-01-05", "2026-01-05T10:00", ""]
)
def test_impossible_or_partial_dates_are_refused(text):
    with pytest.raises(ArgumentError):
        DATE.convert(text)


@given(st.text(max_size=20))
def test_a_date_is_returned_only_for_what_names_one(text):
    """An ISO date is that date; anything else must name its month in words or be a dotted
    day.month.year: never a guess from loose digits."""
    try:
        day = DATE.convert(text)
    except ArgumentError:
        return
    shown = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", shown):
        assert day.isoformat() == shown
    else:
        assert re.search(r"[^\W\d_]", shown) or re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", shown)
