"""The safety texts (crisis replies, /sos, the safety plan) in every language Haven speaks:
each file has every text the English has (no reply half in English), with the same
placeholders and slash commands, and nothing the English lacks; and each catalogue language
has its file."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest

from bot import DATA_DIR, i18n

FOLDER = DATA_DIR / "texts" / "safety"
ENGLISH = tomllib.loads((FOLDER / "en.toml").read_text(encoding="utf-8"))


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _commands(text: str) -> set[str]:
    return {w.strip(".,;:()«»\"'") for w in text.split() if w.startswith("/")}


def test_every_catalogue_language_has_safety_texts() -> None:
    codes = {path.stem for path in FOLDER.glob("*.toml")}
    assert {language.split("_")[0] for language in i18n.LANGUAGES} <= codes


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.toml")), ids=lambda p: p.stem)
def test_each_language_has_every_text_with_its_placeholders(path: Path) -> None:
    texts = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(texts) == set(ENGLISH), f"{path.name}: missing {set(ENGLISH) - set(texts)}"
    for key, english in ENGLISH.items():
        text = texts[key]
        assert text.strip(), f"{path.name}: {key} is empty"
        assert _placeholders(text) == _placeholders(english), f"{path.name}: {key}"
        assert _commands(english) <= _commands(text), f"{path.name}: {key} lost a command"
        if key.startswith("button_"):
            assert len(text) <= 80, f"{path.name}: {key} is too long for a button"
