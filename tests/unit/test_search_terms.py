from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.search import correct_terms, normalise, tokenize


def _full_width(text: str) -> str:
    """Spell ASCII text with full-width forms, as some phone keyboards produce."""
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


VOCABULARY = {"anxiety", "sleep", "stress", "panic", "breathing", "grief", "lonely", "loneliness"}


# --- normalise ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Panic   Attack\n", "panic attack"),
        (_full_width("SLEEP"), "sleep"),
        ("Straße", "strasse"),
        ("ﬁne", "fine"),  # ligature
        ("Cafe\u0301", "café"),  # combining accent composed
        ("\t\u00a0 \u2003", ""),  # only (unicode) whitespace
        ("", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once


# --- tokenize -------------------------------------------------------------------


def test_tokenize_words_and_numbers() -> None:
    assert tokenize("Can't SLEEP, 24/7 anxiety!") == ["can", "sleep", "24", "anxiety"]


def test_tokenize_drops_single_characters_and_punctuation() -> None:
    assert tokenize("a b -- I ok") == ["ok"]
    assert tokenize("") == []
    assert tokenize("...!!!") == []


def test_tokenize_is_unicode_aware() -> None:
    assert tokenize("Naïve Größe") == ["naïve", "grösse"]
    assert tokenize("हिन्दी सहायता") == ["हिन्दी", "सहायता"]  # combining marks stay in the word
    assert tokenize(_full_width("full_width")) == ["full", "width"]  # "_" separates


@given(st.text())
def test_tokens_are_normalised_and_long_enough(text: str) -> None:
    for token in tokenize(text):
        assert len(token) >= 2
        assert token == normalise(token)
        assert " " not in token


# --- correct_terms --------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("anxeity", "anxiety"),
        ("anxiety", "anxiety"),
        ("slep", "sleep"),
        ("strees", "stress"),
        ("breathng", "breathing"),
        ("panik", "panic"),
    ],
)
def test_typos_are_forgiven(term: str, expected: str) -> None:
    assert correct_terms([term], VOCABULARY) == [expected]


def test_prefixes_are_kept_for_partial_typing() -> None:
    assert correct_terms(["anx", "stres", "brea"], VOCABULARY) == ["anx", "stres", "brea"]


def test_short_prefix_is_not_treated_as_known() -> None:
    # "sl" is too short to count as a prefix and too far from any word to correct.
    assert correct_terms(["sl"], VOCABULARY) == ["sl"]


def test_unknown_words_without_close_match_are_kept() -> None:
    assert correct_terms(["homework", "xyzzy"], VOCABULARY) == ["homework", "xyzzy"]


def test_order_and_length_preserved() -> None:
    assert correct_terms(["slep", "homework", "anxeity"], VOCABULARY) == [
        "sleep",
        "homework",
        "anxiety",
    ]


def test_empty_inputs() -> None:
    assert correct_terms([], VOCABULARY) == []
    assert correct_terms(["slep"], []) == ["slep"]


def test_ties_resolve_deterministically() -> None:
    first = correct_terms(["cat"], ["bat", "hat", "rat"])
    for _ in range(5):
        assert correct_terms(["cat"], ["rat", "bat", "hat"]) == first


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


@given(st.lists(words, max_size=10), st.sets(words, max_size=20))
def test_correct_terms_properties(terms: list[str], vocabulary: set[str]) -> None:
    result = correct_terms(terms, vocabulary)
    assert len(result) == len(terms)
    for term, fixed in zip(terms, result, strict=True):
        assert fixed == term or fixed in vocabulary
        if term in vocabulary:
            assert fixed == term
    assert correct_terms(result, vocabulary) == result  # correcting twice changes nothing


def test_entries_are_ordered_for_the_readers_country() -> None:
    from bot.domain.search import by_country, tag_countries

    countries = [
        tag_countries(("panic", "canada")),
        tag_countries(("global",)),
        tag_countries(("nhs", "uk")),
        tag_countries(()),
    ]
    assert countries[2] == frozenset({"GB"})
    assert by_country(countries, "GB") == [2, 1, 3, 0]
    assert by_country(countries, "DE") == [1, 3, 0, 2]  # everyone's first, others' after
    assert by_country(countries, None) == [0, 1, 2, 3]  # unknown: the best match first


def test_words_for_a_kind_choose_the_kind_and_leave_the_subject() -> None:
    from bot.domain.search import asked_kinds

    assert asked_kinds(["books"]) == ({"book"}, [])
    assert asked_kinds(["sleep", "apps"]) == ({"app"}, ["sleep"])
    assert asked_kinds(["find", "me", "therapist"]) == ({"directory"}, [])
    assert asked_kinds(["podcst"]) == ({"podcast"}, [])  # a near miss of a long kind word
    assert asked_kinds(["curse"]) == (set(), ["curse"])  # short words are never "corrected"
    assert asked_kinds(["therapy", "grief"]) == (set(), ["therapy", "grief"])  # a subject
