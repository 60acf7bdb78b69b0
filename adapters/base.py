"""What every adapter provides to the application."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from bot.core.messages import Reply


class AdapterFailure(Exception):
    """An adapter cannot go on (a rejected token, polling that stopped): one line naming the
    platform and the cause, never a token. `haven run` ends with a non-zero exit on it."""


class Adapter(Protocol):
    platform: str
    failure: str | None  # why the adapter stopped on its own, if it did

    async def start(self) -> None:
        """Connect and begin receiving; returns once running."""

    async def wait(self) -> None:
        """Return when the adapter has stopped on its own (end of input, fatal error)."""

    async def stop(self) -> None:
        """Disconnect cleanly; safe to call twice."""

    async def deliver(self, replies: list[Reply]) -> None:
        """Send replies that carry their own target (scheduled posts, celebrations)."""


def settled(reply: Reply, made: bool) -> Reply:
    """The reply once its access change was tried: its text says what happened (the change's
    `done` or `failed` line), and nothing is left for anyone to make again."""
    access = reply.access
    if access is None:
        return reply
    line = access.done if made else access.failed
    return replace(reply, text=f"{reply.text}\n{line}" if line else reply.text, access=None)
