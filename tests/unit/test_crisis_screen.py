"""The crisis screen's behaviour: statements, cue combinations, distance, disguises, languages,
and hostile input. Recall and false alarms on whole sets are measured in bench/crisis_eval.py,
not here: these are the guarantees a change must not break."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.crisis import MAX_CHARS, Level, Screen, crisis_screen_rules


@pytest.fixture(scope="module")
def screen() -> Screen:
    return crisis_screen_rules()


FULL = [
    "I want to die",
    "i just want to kill myself",
    "feeling suicidal again tonight",
    "I don't want to be here anymore",
    "everyone would be better off without me",
    "I cut myself again last night",
    "i took all my pills",
    "I'm standing on the bridge right now",
    "I wrote letters to my family and I'm saying goodbye",
    "my dad hits me when he's drunk",
    "I wish I could go to sleep and never wake up",
    "kms",
]
NOT_FULL = [
    "this exam is killing me",
    "I'm dying to see the new film",
    "killed it at the gym today",
    "I'm not suicidal, just really tired",
    "took two ibuprofen for my headache",
    "chopping onions for dinner",
    "2 sad note to self call mum",
    "1 awful cant sleep again",
    "2 lonely nobody texted back",
    "0",
    "add Be kind",
    "morri de rir com esse vídeo",
    "tô morto de cansaço",
    "esse trampo me mata",
    "vou me jogar nessa festa hoje",
    "eu me mato de trabalhar e nada muda",  # Spanish reads "me mato" too: its idioms know this
    "",
    "   ",
]


@pytest.mark.parametrize("text", FULL)
def test_statements_get_the_full_reply(screen: Screen, text: str) -> None:
    verdict = screen.verdict(text)
    assert verdict.level is Level.FULL, verdict
    assert verdict.why


@pytest.mark.parametrize("text", NOT_FULL)
def test_ordinary_talk_does_not(screen: Screen, text: str) -> None:
    assert screen.verdict(text).level is not Level.FULL


@pytest.mark.parametrize(
    "text",
    [
        "I read a news article about suicide rates among young men",
        "My friend said she wants to kill herself, how do I help her?",
        "If you ever feel suicidal, please call 988.",
        'My son said "I want to die" when his game crashed',
        "Back in 2019 I tried to take my own life. Today I'm doing well and I'm getting married.",
    ],
)
def test_talk_about_suicide_gets_the_pointer_not_the_full_reply(screen: Screen, text: str) -> None:
    assert screen.verdict(text).level is Level.POINTER


def test_a_present_first_person_signal_wins_over_distance(screen: Screen) -> None:
    text = "I read an article about suicide. I want to die too, right now."
    assert screen.verdict(text).level is Level.FULL


@pytest.mark.parametrize(
    "text",
    [
        "s*icidal again",
        "i want to k1ll mys3lf",
        "k i l l  m y s e l f",
        "i want to d\u200bie",  # a zero-width space
        "i want to diiiie",
        "𝐢 𝐰𝐚𝐧𝐭 𝐭𝐨 𝐝𝐢𝐞",  # styled letters
        "і want to diе",  # Cyrillic lookalikes
        "#iwanttodie",
        "gonna unalive myself",
        "sewerslide tonight",
    ],
)
def test_disguises_are_read_as_meant(screen: Screen, text: str) -> None:
    assert screen.verdict(text).level is Level.FULL, text


def test_a_crisis_sentence_buried_in_a_long_message_is_found(screen: Screen) -> None:
    chatter = "Work was long, the bus was late and the cat knocked over a plant. " * 12
    text = f"{chatter}I have forty pills on my desk and tonight is the night. {chatter}"
    assert len(text) > 1500
    assert screen.verdict(text).level is Level.FULL


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("quiero morirme, ya no aguanto más", "es"),
        ("me quiero matar", "es"),
        ("je veux mourir", "fr"),
        ("j'ai envie de me suicider ce soir", "fr"),
        ("ich will nicht mehr leben", "de"),
        ("ich bring mich um", "de"),
        ("quero me matar", "pt"),
        ("não aguento mais, quero morrer", "pt"),
        ("tô pensando em me matar de novo", "pt"),
    ],
)
def test_spanish_french_german_and_portuguese(screen: Screen, text: str, lang: str) -> None:
    verdict = screen.verdict(text)
    assert verdict.level is Level.FULL, verdict
    assert verdict.lang == lang


def test_a_long_portuguese_message_is_read_with_the_portuguese_rules(screen: Screen) -> None:
    """A long text is read only in the language its words mark (and English): Portuguese must
    not be taken for Spanish, which shares many of its words."""
    chatter = "O trabalho foi puxado, o ônibus atrasou e o gato derrubou um vaso da varanda. " * 12
    text = f"{chatter}Já comprei a corda e hoje à noite eu acabo com tudo. {chatter}"
    assert len(text) > 1500
    verdict = screen.verdict(text)
    assert verdict.level is Level.FULL and verdict.lang == "pt", verdict


def test_text_beyond_the_longest_message_is_cut_before_screening(screen: Screen) -> None:
    text = "a" * MAX_CHARS + " i want to die"
    assert screen.verdict(text).level is Level.NONE
    started = time.perf_counter()
    screen.verdict("i am so tired of all of this " * 40_000)  # about 1 MB
    assert time.perf_counter() - started < 1.0  # generous: the figure is in bench/


def test_repeating_a_message_does_not_raise_its_learned_score(screen: Screen) -> None:
    sentence = "my pills are in the cupboard and i feel so tired "
    once = screen.verdict(sentence).learned
    many = screen.verdict(sentence * 80).learned
    assert many <= once + 0.01


def test_the_learned_signal_alone_can_answer(screen: Screen) -> None:
    """Either signal firing is enough: some crisis messages use none of the rules' phrases."""
    assert screen.model is not None
    assert 0.0 < screen.model.threshold < 1.0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_never_raises_on_any_text(text: str) -> None:
    verdict = crisis_screen_rules().verdict(text)
    assert verdict.level in (Level.NONE, Level.POINTER, Level.FULL)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="*#_.-!|@$013457 abcdefkilmsuy\u200b", max_size=4000))
def test_never_raises_on_disguise_characters(text: str) -> None:
    crisis_screen_rules().verdict(text)
