"""Slash-command options as Discord sends them in an interaction."""

from __future__ import annotations


def opt(name: str, value: object) -> dict:
    """A slash-command option as Discord sends it (integer or string)."""
    return {"type": 4 if isinstance(value, int) else 3, "name": name, "value": value}


def sub(verb: str, *options: dict) -> list[dict]:
    """A subcommand with its options, as Discord sends it."""
    return [{"type": 1, "name": verb, "options": list(options)}]
