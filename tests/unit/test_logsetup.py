"""Tokens never reach the logs, whatever logs them (httpx request lines, exceptions)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logsetup import REDACTED, configure

TOKEN = "123456:SECRET-token-value"


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    stream = io.StringIO()
    configure(verbose=True, secrets=[TOKEN], stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)


def test_token_in_a_message_or_argument_is_redacted(output: io.StringIO) -> None:
    log = logging.getLogger("haven.test")
    log.warning("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    log.warning(f"plain {TOKEN} text")
    text = output.getvalue()
    assert TOKEN not in text and text.count(REDACTED) == 2


def test_token_in_an_exception_is_redacted(output: io.StringIO) -> None:
    try:
        raise RuntimeError(f"failed calling /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logging.getLogger("haven.test").exception("send failed")
    text = output.getvalue()
    assert TOKEN not in text and REDACTED in text and "RuntimeError" in text


def test_httpx_request_lines_are_not_logged(output: io.StringIO) -> None:
    logging.getLogger("httpx").info('HTTP Request: POST https://x/bot%s/getUpdates "200"', "t")
    logging.getLogger("haven.test").info("still logging")
    text = output.getvalue()
    assert "HTTP Request" not in text and "still logging" in text
