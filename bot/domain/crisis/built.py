"""The built screen, kept between runs: building it from data/crisis takes about four seconds
of CPU at every start (every language's phrase index and the learned weights); reading it back
takes about a third of that. Every `haven` process pays it (each of several processes, each
restart, each `haven check`), so it is kept in the user's cache folder, under a name made of a
hash of everything the build reads: the data files, the screen's own code and Python's
version. A change to any of them is a new name; nothing stale is ever read.

The file is a pickle, so it is read only from a folder that belongs to this user and that
nobody else may write to, and only if the file is this user's and writable by nobody else. A
file that cannot be read (torn, foreign, from another build) is ignored and built again: the
cache can make a start faster, never stop one. `HAVEN_CACHE_DIR` moves the folder; `off`
turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

from bot.domain.crisis.screen import Screen

log = logging.getLogger(__name__)
CODE = Path(__file__).parent  # the screen's own modules: a change to them changes the build
PREFIX = "crisis-screen-"


def cache_folder() -> Path | None:
    """HAVEN_CACHE_DIR, else $XDG_CACHE_HOME/haven, else ~/.cache/haven; None when off."""
    chosen = os.environ.get("HAVEN_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().casefold() in ("", "off") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "haven"


def fingerprint(folder: Path) -> str:
    """A hash of every file the build reads and of the code that builds it."""
    digest = hashlib.sha256(sys.version.encode())
    for path in [*sorted(folder.glob("*")), *sorted(CODE.glob("*.py"))]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def _private(path: Path, *, folder: bool) -> bool:
    """This user's, and nobody else may write to it (nor, for the folder, list it)."""
    info = path.stat()
    mask = (stat.S_IWGRP | stat.S_IWOTH) | ((stat.S_IRWXG | stat.S_IRWXO) if folder else 0)
    return info.st_uid == os.getuid() and not info.st_mode & mask


def load_screen(folder: Path, cache: Path | None = None) -> Screen:
    """The screen built from `folder`, read from `cache` when a build of exactly these files
    is there, else built and written there for the next start."""
    if cache is None:
        return Screen.from_folder(folder)
    kept = cache / f"{PREFIX}{fingerprint(folder)}.pickle"
    with contextlib.suppress(Exception):
        if _private(cache, folder=True) and _private(kept, folder=False):
            with kept.open("rb") as handle:
                screen = pickle.load(handle)
            if isinstance(screen, Screen):
                return screen
    screen = Screen.from_folder(folder)
    try:
        _keep(screen, cache, kept)
    except Exception as error:  # a read-only home, a full disk: start anyway
        log.debug("the built crisis screen was not kept: %s", error)
    return screen


def _keep(screen: Screen, cache: Path, kept: Path) -> None:
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _private(cache, folder=True):
        return
    for old in cache.glob(f"{PREFIX}*.pickle"):  # an earlier version's build
        if old != kept:
            with contextlib.suppress(OSError):
                old.unlink()
    handle, name = tempfile.mkstemp(dir=cache, prefix=".screen-")  # 0600; renamed whole
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(screen, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(name, kept)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
