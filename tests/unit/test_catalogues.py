"""The message catalogues: the template holds every text the code marks, every language has
every text translated (not fuzzy), with the same placeholders and all its plural forms, short
enough for every platform; and a language code from a platform finds its catalogue."""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from pydantic import ValidationError

from bot import i18n
from bot.core.registry import MAX_DESCRIPTION
from bot.i18n import LANGUAGES, LOCALE_DIR, SOURCE, supported, use
from bot.settings import Settings
from commands import all_commands

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from extract_messages import template

LONGEST = 2000  # a Discord message; Telegram allows 4,096
TRANSLATED = [code for code in LANGUAGES if code != SOURCE]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def catalogue(language: str):
    with (LOCALE_DIR / f"{language}.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_the_template_holds_every_marked_text() -> None:
    with (LOCALE_DIR / "haven.pot").open("rb") as handle:
        kept = {m.id for m in read_po(handle) if m.id}
    found = {m.id for m in template() if m.id}
    assert found - kept == set(), "run python tools/extract_messages.py"
    assert kept - found == set(), "run python tools/extract_messages.py"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_is_translated_with_the_same_placeholders(language: str) -> None:
    found = {m.id: m for m in template() if m.id}
    translated = {m.id: m for m in catalogue(language) if m.id}
    assert set(found) <= set(translated), f"not in {language}.po: run tools/extract_messages.py"
    plurals = Locale.parse(language).plural_form
    forms = len(plurals.tags | {"other"})
    for key, message in translated.items():
        assert not message.fuzzy, f"{language}: not reviewed: {key!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        sources = key if isinstance(key, tuple) else (key,)
        assert all(strings), f"{language}: untranslated: {key!r}"
        if isinstance(key, tuple):
            assert len(strings) == forms, f"{language}: {len(strings)} plural forms of {key!r}"
        wanted = set().union(*(placeholders(s) for s in sources))
        for text in strings:
            assert placeholders(text) == wanted, f"{language}: placeholders of {key!r}"
            assert len(text) <= LONGEST
            assert not re.search(r"<[a-z]|\*\*|__", text), "markup would be shown literally"


@pytest.mark.parametrize("language", TRANSLATED)
def test_command_descriptions_fit_the_platforms_menus(language: str) -> None:
    """Discord takes 1-100 characters for a command's or option's description in each locale
    (Telegram 256): a longer translation would stop the commands from syncing."""
    too_long = {}
    with use(language):
        for command in all_commands():
            for declared in (command, *command.subcommands):
                for described in (declared, *declared.options):
                    shown = i18n._(described.description)
                    if not 0 < len(shown) <= MAX_DESCRIPTION:
                        too_long[described.description] = shown
    assert not too_long, f"{language}: over {MAX_DESCRIPTION} characters: {too_long}"


def test_a_text_is_shown_in_the_language_in_use_and_english_without_one() -> None:
    with use("es"):
        assert i18n._("Usage: {usage}") == "Uso: {usage}"
        with use("de"):  # the innermost block wins, and gives way at its end
            assert i18n._("Usage: {usage}") == "Verwendung: {usage}"
        assert i18n.language() == "es"
    assert i18n._("Usage: {usage}") == "Usage: {usage}"
    with use("xx"):  # not a catalogue: the source
        assert i18n._("Usage: {usage}") == "Usage: {usage}"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("es", "es"),
        ("es-419", "es"),
        ("ES", "es"),
        ("de_AT", "de"),
        ("fr-CA", "fr"),
        ("pt-BR", "pt_BR"),
        ("pt", "pt_BR"),
        ("pt-PT", "pt_BR"),
        ("en-GB", "en"),
        ("tr", None),
        ("", None),
        ("not a code", None),
        (None, None),
    ],
)
def test_a_platforms_language_code_finds_its_catalogue(code: str | None, expected: str | None):
    assert supported(code, LANGUAGES) == expected


def test_only_complete_languages_are_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every catalogue is complete, so every one is offered; a language still being
    translated (not in OFFERED) is not chosen for anyone, and asking for it says so."""
    assert i18n.OFFERED == LANGUAGES
    assert supported("es-419") == "es" and supported("en-US") == "en"
    monkeypatch.setattr(i18n, "OFFERED", ("en",))
    assert supported("es") is None
    with pytest.raises(ValueError, match="still being translated"):
        i18n.check_language("es")


@pytest.mark.parametrize(
    ("given", "kept"), [("en", "en"), ("es", "es"), ("pt-BR", "pt_BR"), ("pt", "pt_BR")]
)
def test_bot_language_is_one_haven_speaks(given: str, kept: str) -> None:
    assert Settings(bot={"language": given}).bot.language == kept


def test_an_unknown_bot_language_is_refused_with_the_choices() -> None:
    with pytest.raises(ValidationError, match="must be one of en, es, de, fr, pt_BR"):
        Settings(bot={"language": "tr"})
