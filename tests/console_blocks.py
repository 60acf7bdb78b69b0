"""How a console transcript reads: blocks under `[#chat]` / `[@name private]` headers, and
`(notes)`. Shared by the console fixture and tests that read a committed transcript."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER = re.compile(r"^\[(#[^\]\s]+|@[^\]\s]+ private)\] ")
# A group post Haven keeps up to date is numbered in a note just before it: "(post 2)",
# "(post 2 pinned)", and when it changes in place, "(post 2 changed)".
POST_NOTE = re.compile(r"^\(post (\d+(?: pinned| changed)?)\)$")
CLOCK_NOTE = re.compile(r"^\(clock: .*\)$")
CLOCK_ERROR = "; use :clock +30m, +2h, +3d or 2026-03-01T09:00)"
BUTTONS = re.compile(r"^\[1\] ")


@dataclass(frozen=True)
class Message:
    """One block the console printed: `[#chat]` / `[@name private]` or a `(note)`."""

    header: str  # "#lounge", "@kim private", or "note"
    text: str
    buttons: tuple[str, ...] = ()
    post: str = ""  # a kept post's number ("2"), "2 pinned" or "2 changed"

    @property
    def public(self) -> bool:
        return self.header.startswith("#")

    @property
    def private(self) -> bool:
        return self.header.endswith(" private")

    @property
    def is_note(self) -> bool:
        return self.header == "note"


def parse_blocks(text: str) -> list[Message]:
    """Split console output into messages; a message may contain blank lines (/sos does)."""
    messages: list[Message] = []
    header: str | None = None
    body: list[str] = []
    buttons: tuple[str, ...] = ()
    post = ""
    numbered = ""  # the post note just read, for the block that follows it

    def flush() -> None:
        nonlocal header, body, buttons, post
        if header is not None:
            messages.append(Message(header, "\n".join(body).strip("\n"), buttons, post))
        header, body, buttons, post = None, [], (), ""

    for line in text.splitlines():
        match = HEADER.match(line)
        if (noted := POST_NOTE.match(line)) and (header is None or not body[-1]):
            flush()
            numbered = noted.group(1)
        elif match:
            flush()
            header, body, post, numbered = match.group(1), [line[match.end() :]], numbered, ""
        elif line.startswith("(") and line.endswith(")") and (header is None or not body[-1]):
            flush()
            messages.append(Message("note", line[1:-1]))
        elif header is not None and BUTTONS.match(line):
            buttons = tuple(b.strip() for b in re.split(r"\[\d+\] ", line) if b.strip())
        elif header is not None:
            body.append(line)
        elif line.strip():
            raise AssertionError(f"console printed a line outside any block: {line!r}")
    flush()
    return messages
