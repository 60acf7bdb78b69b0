"""The shipped crisis lexicon against a labelled corpus of realistic texts, plus robustness.

Recall is the share of crisis texts that get the crisis reply; the false-alarm rate is the
share of ordinary texts that get it anyway. Missing a crisis costs far more than a gentle reply
to a false alarm, so recall has the stricter bar. Run with -s to see the figures.
"""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.crisis_screen import adversarial_texts
from bot.domain.crisis import Screen

ROOT = Path(__file__).resolve().parents[2]
LEXICON = ROOT / "data" / "crisis" / "lexicon.toml"
CORPUS = ROOT / "tests" / "data" / "crisis_corpus.tsv"
MIN_RECALL = 0.97
MAX_FALSE_ALARMS = 0.03


def load_corpus() -> list[tuple[str, str]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "label\ttext", "the corpus starts with a header line"
    rows = [tuple(line.split("\t", 1)) for line in lines[1:] if line]
    assert all(len(row) == 2 for row in rows), "every row is label<TAB>text"
    return rows  # type: ignore[return-value]


@pytest.fixture(scope="module")
def screen() -> Screen:
    return Screen.from_toml(LEXICON)


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, str]]:
    return load_corpus()


def test_corpus_is_well_formed(corpus: list[tuple[str, str]]) -> None:
    labels = [label for label, _ in corpus]
    texts = [text for _, text in corpus]
    assert set(labels) == {"crisis", "ok"}
    assert labels.count("crisis") >= 150 and labels.count("ok") >= 150
    assert len(corpus) >= 300
    assert len(set(texts)) == len(texts), "no text appears twice"
    assert all(text.strip() for text in texts)
    assert sum(len(text) < 80 for text in texts) >= 0.9 * len(texts), "keep texts short"


def test_recall_and_false_alarm_rate(screen: Screen, corpus: list[tuple[str, str]]) -> None:
    crisis = [text for label, text in corpus if label == "crisis"]
    ok = [text for label, text in corpus if label == "ok"]
    missed = [text for text in crisis if not screen.matches(text)]
    alarms = [f"{text!r} <- {screen.explain(text)}" for text in ok if screen.matches(text)]
    recall = 1 - len(missed) / len(crisis)
    false_alarms = len(alarms) / len(ok)
    report = (
        f"crisis screen: recall {recall:.3f} ({len(crisis) - len(missed)}/{len(crisis)}), "
        f"false alarms {false_alarms:.3f} ({len(alarms)}/{len(ok)})\n"
        + "".join(f"  missed: {text!r}\n" for text in missed)
        + "".join(f"  false alarm: {alarm}\n" for alarm in alarms)
    )
    print("\n" + report)
    assert recall >= MIN_RECALL, report
    assert false_alarms <= MAX_FALSE_ALARMS, report


ODD = [
    "\x00",
    "\ud800",  # lone surrogates
    "\udfff",
    "\u202e",  # right-to-left override
    "\u202d",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u0336",
    "\U0001f480",
    "\U0010ffff",
    "\n",
    "\t",
    " ",
    ".",
    "*",
    "(",
    "{who}",
]
FRAGMENTS = ["kill", "my", "self", "want to die", "not", "he", "hits", "me", "k m s", "1", "$"]
NASTY_TEXT = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(exclude_categories=()), max_size=50),  # any code point
        st.sampled_from(ODD),
        st.sampled_from(FRAGMENTS),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300)
@given(text=NASTY_TEXT)
def test_matches_never_raises(screen: Screen, text: str) -> None:
    assert isinstance(screen.matches(text), bool)


def test_hostile_10kb_texts_are_screened(screen: Screen) -> None:
    """Long adversarial texts finish with an answer (how fast: `python -m bench.crisis_screen`):
    pages of negations and of harmless near-misses raise no alarm; a run-together cue does."""
    answers = {name: screen.matches(text) for name, text in adversarial_texts().items()}
    assert all(isinstance(answer, bool) for answer in answers.values())
    for harmless in ("negated phrases", "people and verbs", "common words", "single letters"):
        assert answers[harmless] is False, harmless
    assert answers["one long word"] is True  # "kilmyself" run together
