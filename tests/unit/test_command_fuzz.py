"""Arbitrary text into every command's parser: an answer or an ArgumentError, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.options import UNSAFE, ArgumentError
from bot.core.registry import Registry
from commands import all_commands

REGISTRY = Registry(all_commands())
NAMES = sorted(c.name for c in REGISTRY)
HOSTILE = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list(" \"“”«»,./\\:;'`\x00\u202e\u2066\u200b\ud800１２３"))),
    st.sampled_from(
        [
            "NaN",
            "1e309",
            "-0",
            "0x10",
            "'); DROP TABLE checkins;--",
            "@everyone",
            "<b>x</b>",
            "a" * 5000,
            '"unclosed',
            "add",
            "remove 99999999999999999999",
        ]
    ),
)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=60, deadline=None)
@given(text=HOSTILE)
def test_every_command_parses_or_explains(name: str, text: str) -> None:
    command = REGISTRY.get(name)
    assert command is not None
    try:
        resolved = REGISTRY.resolve(command, text)
    except ArgumentError as error:
        assert str(error)  # a reason the member can read
        return
    for value in resolved.args.values():
        if isinstance(value, str):
            assert not UNSAFE.search(value)
