"""Haven in each language, read through the console (tools/language_transcripts.py): a
check-in, /mood, /resources, /helpline, /sos, a crisis message, /cope, the rules in a group, a
welcome, a milestone and /settings. The transcripts in docs/transcripts/ are what reviewers
read, so they must be current; and every message of a translated transcript must differ from
its English one (nothing left in English but names, links and what members typed)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from bot.i18n import LANGUAGES, SOURCE

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from language_transcripts import OUT, transcript  # noqa: E402

BLOCK = re.compile(r"^\[(?:#|@)[^\]]+\]", re.MULTILINE)
# English a translated transcript must not show anywhere.
ENGLISH = (
    "Only you can see",
    "only you can see",
    "How are you feeling",
    "Thank you",
    "Recorded privately",
    "Helplines in",
    "Ground rules of",
    "Welcome,",
    "today is",
    "Your mood",
    "not enough data",
)


def blocks(text: str) -> list[str]:
    starts = [m.start() for m in BLOCK.finditer(text)]
    return [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("transcripts")
    return {language: transcript(language, folder) for language in LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_transcript_is_current(language: str, transcripts: dict[str, str]) -> None:
    committed = (OUT / f"{language}.txt").read_text(encoding="utf-8")
    assert transcripts[language] == committed, "run python tools/language_transcripts.py"


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != SOURCE])
def test_every_message_is_in_the_members_language(
    language: str, transcripts: dict[str, str]
) -> None:
    english, translated = blocks(transcripts[SOURCE]), blocks(transcripts[language])
    assert len(translated) == len(english), "the same steps give the same messages"
    assert "Traceback" not in transcripts[language]
    for said, source in zip(translated, english, strict=True):
        assert said != source, f"{language}: still in English:\n{said}"
    found = [phrase for phrase in ENGLISH if phrase in transcripts[language]]
    assert not found, f"{language}: English left: {found}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_button_labels_fit_the_platforms(language: str, transcripts: dict[str, str]) -> None:
    """Discord takes at most 80 characters on a button (Telegram more)."""
    labels = re.findall(r"\[\d+\] (.+?)(?=  \[\d+\] |$)", transcripts[language], re.MULTILINE)
    assert labels and all(len(label) <= 80 for label in labels), language
