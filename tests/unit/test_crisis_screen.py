"""The crisis screen: normalisation, idioms and the shipped lexicon."""

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.crisis import Screen, normalise

LEXICON = Path(__file__).resolve().parents[2] / "data" / "crisis" / "lexicon.toml"


@pytest.fixture(scope="module")
def screen() -> Screen:
    doc = tomllib.loads(LEXICON.read_text("utf-8"))
    return Screen.build(doc["phrases"], doc["allowed"])


@pytest.mark.parametrize(
    "text",
    [
        "I want to die",
        "i WANT to DIIIIE",
        "honestly kms",
        "I'm going to end\u200b my life",
        "end.my.life",
        "thinking about suicide",
        "４ tired I can't go on",
        "I keep hurting myself",
        "maybe I should just unalive",
    ],
)
def test_crisis_phrasings_match(screen: Screen, text: str) -> None:
    assert screen.matches(text)


@pytest.mark.parametrize(
    "text",
    [
        "this exam is killing me",
        "you're killing it!",
        "dying to see the new film",
        "had a good day at the park",
        "ask Sekmsa about it",  # "kms" inside another word is not the abbreviation
        "I'm so tired",
    ],
)
def test_everyday_texts_do_not_match(screen: Screen, text: str) -> None:
    assert not screen.matches(text)


def test_idiom_does_not_hide_a_real_statement(screen: Screen) -> None:
    assert screen.matches("this exam is killing me and I want to die")


def test_empty_lexicon_is_refused() -> None:
    with pytest.raises(ValueError):
        Screen.build(["  "])


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


@given(st.text(max_size=200))
def test_screen_never_raises(text: str) -> None:
    Screen.build(["want to die"], ["dying to see"]).matches(text)
