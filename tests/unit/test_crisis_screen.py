"""The crisis screen: normalisation, negation, idioms, the lexicon format and the shipped data."""

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.crisis import Screen, normalise

LEXICON = Path(__file__).resolve().parents[2] / "data" / "crisis" / "lexicon.toml"
CATEGORIES = {
    "intent",
    "plan_or_means",
    "goodbye",
    "self_harm",
    "abuse",
    "child_safety",
    "others_at_risk",
}


@pytest.fixture(scope="module")
def screen() -> Screen:
    return Screen.from_toml(LEXICON)


@pytest.fixture(scope="module")
def doc() -> dict:
    return tomllib.loads(LEXICON.read_text("utf-8"))


# --- normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I WANT to DIIIIE", "i want to die"),  # case folded, repeated letters squeezed
        ("ｄｉｅ", "die"),  # full-width forms (NFKC)
        ("\U0001d41d\U0001d422\U0001d41e", "die"),  # mathematical bold letters (NFKC)
        ("d\u200bi\u200ce\u200d", "die"),  # zero-width space, non-joiner, joiner
        ("\u202edie\u202c", "die"),  # right-to-left override and pop
        ("d\u0336i\u0336e\u0336", "die"),  # strike-through combining marks
        ("don't", "dont"),  # apostrophes, straight or curly
        ("don’t", "dont"),
        ("kill", "kil"),  # squeezing is applied to phrases too, so "kill" and "kil" agree
        ("  end \n my\tlife  ", "end my life"),
        ("4 tired", "4 tired"),  # digits are kept (leetspeak is a separate reading)
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


# --- the shipped lexicon ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I want to die",
        "i WANT to DIIIIE",
        "honestly kms",
        "I'm going to end\u200b my life",
        "kill\u200bmyself",  # a zero-width character as the only gap between words
        "end.my.life",
        "thinking about suicide",
        "４ tired I can't go on",
        "I keep hurting myself",
        "maybe I should just unalive",
        "k1ll myself",  # leetspeak
        "$uicidal",
        "i want to d1e",
        "k m s",  # spelled out
        "i want to d.i.e",
        "I want to d\u0131e",  # dotless i
        "I want to kill mysеlf",  # Cyrillic "е"
        "#iwanttodie",  # run together
        "sewerslide",
        "ctb tonight",
        "kys",
        "my dad hits me",
        "an adult is touching me and told me to keep it secret",
    ],
)
def test_crisis_phrasings_match(screen: Screen, text: str) -> None:
    assert screen.matches(text), text


@pytest.mark.parametrize(
    "text",
    [
        "this exam is killing me",
        "you're killing it!",
        "dying to see it",
        "I could kill for a coffee",
        "dead tired",
        "my phone is dying",
        "I'm dead 😂",
        "had a good day at the park",
        "ask Sekmsa about it",  # "kms" inside another word is not the abbreviation
        "I'm so tired",
        "I died in the last level",
        "my character dies in the book",
        "proud of myself today",  # "of" squeezes like "off": "off myself" must not fire
        "I cut myself some slack",
        "accidentally cut myself shaving",
        "my dad hit me up about dinner",
        "she beat me at chess again",
        "I'd rather die than wear those shoes",
    ],
)
def test_everyday_texts_do_not_match(screen: Screen, text: str) -> None:
    assert not screen.matches(text), screen.explain(text)


@pytest.mark.parametrize(
    "text",
    [
        "this exam is killing me and I want to die",
        "I'm dead tired and I want to die",
        "killing it at work but I want to kill myself",
        "dying to see it. I want to end my life",
    ],
)
def test_an_idiom_does_not_hide_a_real_statement(screen: Screen, text: str) -> None:
    assert screen.matches(text)


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to die anymore",
        "I'm not suicidal",
        "I would never kill myself",
        "I'm no longer suicidal",
        "I'm not feeling suicidal, just tired",
        "I haven't self harmed in 6 months",
        "no thoughts of self harm today",
        "I'm not going to hurt myself, I promise",
        "got through the week without hurting myself",
    ],
)
def test_clear_negations_do_not_match(screen: Screen, text: str) -> None:
    assert not screen.matches(text), screen.explain(text)


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to live",
        "I don't want to be here anymore",
        "I can't go on",
        "I don't know why I want to die",  # "not" governs "know", not "want to die"
        "I'm not okay. I want to die",  # a cue does not reach into the next clause
        "I'm not okay, I want to die",
        "not gonna lie I want to die",
        "no I want to die",
        "I'm not suicidal but I keep hurting myself",
        "I don't want to die but I want to hurt myself",
        "I can't kill myself because of my kids",  # "can not" is not a negation here
        "I never want to wake up",  # the negation is part of the phrase
        "I'm not saying I don't want to live",
    ],
)
def test_statements_near_a_negation_still_match(screen: Screen, text: str) -> None:
    assert screen.matches(text)


def test_explain_names_the_category_and_phrase(screen: Screen) -> None:
    assert screen.explain("honestly kms") == "intent: kms"
    assert screen.explain("my dad hits me").startswith("abuse: {who}")
    assert screen.explain("had a good day") is None


def test_lexicon_has_the_reviewed_categories(doc: dict) -> None:
    assert set(doc["phrases"]) == CATEGORIES
    assert all(doc["phrases"][name] for name in CATEGORIES)
    assert doc["negation"]["cues"] and doc["negation"]["window"] >= 0


def test_lexicon_holds_no_numbers_or_quantities(doc: dict) -> None:
    """Safe messaging: statements of distress only, never doses, heights or counts."""
    for table in ("phrases", "allowed", "groups"):
        for entries in doc[table].values():
            for entry in entries:
                assert not re.search(r"\d", entry), entry


def test_lexicon_entries_are_unique_within_each_list(doc: dict) -> None:
    for table in ("phrases", "allowed", "groups"):
        for name, entries in doc[table].items():
            duplicates = {e for e in entries if entries.count(e) > 1}
            assert not duplicates, (table, name, duplicates)


# --- building a screen --------------------------------------------------------------------


def test_plain_lists_still_build_a_screen() -> None:
    screen = Screen.build(["want to die", "kms"], ["dying to see"])
    assert screen.matches("I want to diiie")
    assert not screen.matches("dying to see it")
    # Without negation data nothing is cleared: the safe default.
    assert screen.matches("I don't want to die")


def test_categories_groups_and_stems() -> None:
    screen = Screen.build(
        {"abuse": ["{who} hits me"], "intent": ["suicid*"]},
        groups={"who": ["he", "{family}"], "family": ["dad", "step dad"]},
    )
    assert screen.explain("my step dad hits me") == "abuse: {who} hits me"
    assert screen.explain("feeling suicidal") == "intent: suicid*"
    assert not screen.matches("the dog hits me with its tail")


def test_optional_words_and_alternatives() -> None:
    screen = Screen.build(["scared of (my|) (dad|mum)"])
    assert screen.matches("I'm scared of my dad")
    assert screen.matches("scared of mum")
    assert not screen.matches("scared of my cat")


def test_negation_window_and_between_words_come_from_the_data() -> None:
    negation = {"cues": ["not"], "between": ["feeling", "really"], "window": 1}
    screen = Screen.build(["suicidal"], negation=negation)
    assert not screen.matches("I am not suicidal")
    assert not screen.matches("I am not feeling suicidal")
    assert screen.matches("I am not really feeling suicidal")  # two words: beyond the window
    assert screen.matches("I am not sure, suicidal maybe")


def test_rewrites_and_skipped_words_apply_to_texts_and_phrases() -> None:
    normalisation = {"rewrites": {"wanna": "want to", "my self": "myself"}, "skip": ["just"]}
    screen = Screen.build(["want to die", "kill myself"], normalisation=normalisation)
    assert screen.matches("i just wanna die")
    assert screen.matches("kill my self")


def test_an_idiom_hides_only_phrases_lying_wholly_inside_it() -> None:
    screen = Screen.build(["cut myself", "cut myself on purpose"], ["cut myself on"])
    assert not screen.matches("I cut myself on a nail")
    assert screen.matches("I cut myself on purpose")


def test_from_toml_reads_the_shipped_layout(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        '[phrases]\nintent = ["want to die"]\n[allowed]\nidioms = ["dying to see"]\n'
        '[negation]\ncues = ["not"]\nwindow = 2\nbetween = []\n',
        encoding="utf-8",
    )
    screen = Screen.from_toml(path)
    assert screen.explain("I want to die") == "intent: want to die"
    assert not screen.matches("I do not want to die")


@pytest.mark.parametrize(
    ("phrases", "groups"),
    [
        (["  "], None),  # empty
        (["(want to die"], None),  # unbalanced
        (["((want)) to die"], None),  # nested
        (["{who} hits me"], None),  # unknown group
        (["{a} hits me"], {"a": ["{b}"], "b": ["{a}"]}),  # circular groups
        (["(my|) dad hits me"], None),  # optional first word
        (["(so) sad"], None),  # an alternative made only of skipped words
        (["ki* myself"], None),  # a stem shorter than three letters
    ],
)
def test_malformed_lexicons_are_refused(phrases: list[str], groups: dict | None) -> None:
    with pytest.raises(ValueError):
        Screen.build(phrases, groups=groups, normalisation={"skip": ["so"]})


def test_a_rewrite_replaces_one_or_two_words() -> None:
    with pytest.raises(ValueError):
        Screen.build(["die"], normalisation={"rewrites": {"a b c": "d"}})


@given(st.text(max_size=200))
def test_a_small_screen_never_raises(text: str) -> None:
    Screen.build(["want to die"], ["dying to see"], negation={"cues": ["not"]}).matches(text)
