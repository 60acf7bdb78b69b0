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
