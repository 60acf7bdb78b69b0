"""The shipped data in every language: each translation (data/locale/<language>.toml) has
every rule, consent text, topic and coping exercise the English has, step for step; each
language has at least ten resources of its own, from organisations a source confirms, with the
date it was checked; and a member is shown them in their language."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot import DATA_DIR, i18n
from bot.catalog import load_catalog

TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.SOURCE]
CATALOG = load_catalog()


def _toml(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_of_the_data_is_translated(language: str) -> None:
    path = DATA_DIR / "locale" / f"{language}.toml"
    assert path.exists(), f"{path.name} is missing"
    doc = _toml(path)
    assert len(doc["rules"]) == len(CATALOG.rules) and all(r.strip() for r in doc["rules"])
    english_privacy = _toml(DATA_DIR / "texts" / "privacy.toml")
    assert set(doc["privacy"]) == set(english_privacy)
    for key, text in doc["privacy"].items():
        commands = {w.strip(".,;:()") for w in english_privacy[key].split() if w[0] == "/"}
        assert commands <= {w.strip(".,;:()") for w in text.split()}, key
    assert set(doc["topics"]) == set(CATALOG.topics)
    assert all(t["title"].strip() and t["summary"].strip() for t in doc["topics"].values())
    by_slug = {e.slug: e for e in CATALOG.exercises}
    assert set(doc["exercises"]) == set(by_slug)
    for slug, exercise in doc["exercises"].items():
        assert len(exercise["steps"]) == len(by_slug[slug].steps), slug
        assert exercise["title"].strip() and all(s.strip() for s in exercise["steps"])


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_language_has_its_own_resources(language: str) -> None:
    folder = DATA_DIR / "resources" / language
    entries = [e for path in sorted(folder.glob("*.toml")) for e in _toml(path)["entry"]]
    assert len(entries) >= 10
    for entry in entries:
        assert entry["url"].startswith("https://") and entry["source"].startswith("https://")
        assert len(entry["verified"]) == 10 and entry["verified"][:2] == "20"
        assert entry["title"].strip() and entry["description"].strip() and entry["tags"]
    urls = [e["url"] for e in entries]
    assert len(urls) == len(set(urls)), "an organisation listed twice"
    loaded = [r for r in CATALOG.resources if r.language == language]
    assert len(loaded) == len(entries)


def test_a_member_is_shown_the_data_in_their_language() -> None:
    english = CATALOG.exercises[0]
    for language in TRANSLATED:
        with i18n.use(language):
            shown = CATALOG.exercise_shown(english)
            assert shown.slug == english.slug and shown.title != english.title
            assert len(shown.steps) == len(english.steps)
            assert CATALOG.default_rules() != CATALOG.rules
            assert CATALOG.topic("grief").title != CATALOG.topics["grief"].title
    with i18n.use("en"):
        assert CATALOG.exercise_shown(english) == english
        assert CATALOG.default_rules() == CATALOG.rules
    assert "duelo" in [t.casefold() for t in CATALOG.topic_titles()["grief"]]


def test_the_english_course_keeps_its_limits_and_safe_messaging() -> None:
    assert len(CATALOG.course) >= 6
    for module in CATALOG.course:
        assert len(module.title) <= 40 and 1 <= len(module.sources) <= 3
        assert 3 <= len(module.screens) <= 5 and len(module.quiz) == 2
        assert all(250 <= len(s) <= 800 for s in module.screens), module.slug
        for q in module.quiz:
            assert len(q.options) == 3 and 0 <= q.answer < 3
            assert len(q.question) <= 200 and len(q.why) <= 300
            assert all(len(o) <= 70 for o in q.options)
    text = (DATA_DIR / "course.toml").read_text(encoding="utf-8").casefold()
    assert "committed suicide" not in text and "/sos" in text and "alert a lead" in text


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_course_is_translated_step_for_step(language: str) -> None:
    doc = _toml(DATA_DIR / "locale" / f"{language}.toml").get("course", {})
    assert list(doc) == [m.slug for m in CATALOG.course], "every module, in order"
    for english in CATALOG.course:
        module = CATALOG.module(english.slug, language)
        assert module is not None and module.title != english.title
        assert len(module.title) <= 40 and module.sources == english.sources
        assert len(module.screens) == len(english.screens)
        assert all(len(s) <= 900 for s in module.screens), english.slug
        assert "/sos" in " ".join(module.screens) or "/sos" not in " ".join(english.screens)
        assert len(module.quiz) == len(english.quiz)
        for mine, theirs in zip(module.quiz, english.quiz, strict=True):
            assert mine.answer == theirs.answer and len(mine.options) == len(theirs.options)
            assert len(mine.question) <= 250 and len(mine.why) <= 400
            assert all(len(o) <= 70 for o in mine.options), mine.options
