"""Tokens never reach the logs, whatever logs them (httpx request lines, exceptions)."""

from __future__ import annotations

import logging

import pytest

from bot.logsetup import REDACTED, configure

TOKEN = "123456:SECRET-token-value"


@pytest.fixture
def configured(capsys):
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    configure(verbose=True, secrets=[TOKEN])
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)


def test_token_in_a_message_or_argument_is_redacted(configured, capsys) -> None:
    log = logging.getLogger("haven.test")
    log.warning("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    log.warning(f"plain {TOKEN} text")
    err = capsys.readouterr().err
    assert TOKEN not in err and err.count(REDACTED) == 2


def test_token_in_an_exception_is_redacted(configured, capsys) -> None:
    try:
        raise RuntimeError(f"failed calling /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logging.getLogger("haven.test").exception("send failed")
    err = capsys.readouterr().err
    assert TOKEN not in err and REDACTED in err


def test_httpx_request_lines_are_not_logged(configured, capsys) -> None:
    logging.getLogger("httpx").info('HTTP Request: POST https://x/bot%s/getUpdates "200"', "t")
    assert "HTTP Request" not in capsys.readouterr().err
