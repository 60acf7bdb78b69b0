"""Logging that never shows a token: httpx logs every request URL at INFO, and Telegram's URLs
contain the bot token, so secrets are redacted from every record and httpx is kept quiet."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import TextIO

REDACTED = "[redacted]"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = _pieces(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = message
        for secret in self.secrets:
            cleaned = cleaned.replace(secret, REDACTED)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            for secret in self.secrets:
                record.exc_text = record.exc_text.replace(secret, REDACTED)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class OneLine(logging.Filter):
    """A platform library's error becomes one line: its message and the exception's, with no
    traceback (they are long, and a maintainer needs the cause). `--verbose` keeps them."""

    LIBRARIES = ("telegram", "discord", "httpx", "httpcore", "aiohttp", "apscheduler")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.name.startswith(self.LIBRARIES):
            error = record.exc_info[1]
            if error is not None:
                record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
                record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def configure(verbose: bool, secrets: Iterable[str] = (), stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if not verbose:
        handler.addFilter(OneLine())
    handler.addFilter(RedactSecrets(secrets))  # last: it also cleans what OneLine wrote
    # A handler that fails would print the live exception unfiltered; stay quiet instead.
    logging.raiseExceptions = False
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _pieces(secrets: Iterable[str]) -> list[str]:
    """Each secret, and a Telegram token's secret half (a message may quote it alone); the
    longest first, so a whole token is replaced before its half."""
    found: set[str] = set()
    for secret in secrets:
        found.add(secret)
        if ":" in secret:
            found.add(secret.split(":", 1)[1])
    return sorted((s for s in found if s and len(s) >= 6), key=len, reverse=True)


def redactor(secrets: Iterable[str]) -> Callable[[str], str]:
    """A function that replaces every secret in a text (for messages printed outside logging)."""
    kept = _pieces(secrets)

    def hide(text: str) -> str:
        for secret in kept:
            text = text.replace(secret, REDACTED)
        return text

    return hide
