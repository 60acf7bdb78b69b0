"""The built crisis screen kept between processes: read back only when it is exactly this
build, only from a private folder, and never able to stop a start."""

from __future__ import annotations

import os
from pathlib import Path

from bot import DATA_DIR
from bot.domain.crisis.built import PREFIX, load_screen
from bot.domain.crisis.rules import Level

FOLDER = DATA_DIR / "crisis"
TEXTS = ("i want to end it all", "ich will nicht mehr leben", "the exam killed me lol", "hello")


def test_a_kept_screen_reads_every_text_as_a_fresh_build(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    built = load_screen(FOLDER, cache)
    (kept,) = cache.glob(f"{PREFIX}*.pickle")
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    again = load_screen(FOLDER, cache)
    assert again is not built  # read back, not the same object
    for text in TEXTS:
        assert again.verdict(text).level is built.verdict(text).level, text
    assert again.verdict(TEXTS[0]).level is Level.FULL


def test_a_torn_or_foreign_file_is_built_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_screen(FOLDER, cache)
    (kept,) = cache.glob(f"{PREFIX}*.pickle")
    kept.write_bytes(b"\x80\x05not a pickle")
    assert load_screen(FOLDER, cache).verdict(TEXTS[0]).level is Level.FULL
    os.chmod(kept, 0o666)  # writable by others: never read
    kept.write_bytes(b"anything")
    assert load_screen(FOLDER, cache).verdict(TEXTS[0]).level is Level.FULL


def test_a_cache_that_cannot_be_written_does_not_stop_a_start(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert load_screen(FOLDER, blocked / "cache").verdict(TEXTS[0]).level is Level.FULL
