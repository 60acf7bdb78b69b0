"""What a lead's poll is, from the words of `/poll "<question>" a | b [| ...] [for 3d]
[anonymous]`, and when its results may be shown.

Pure rules, no I/O. A poll shows counts only from MIN_VOTERS voters, so a vote can't be
worked out from a tally of one or two. An anonymous poll shows its counts only once it is
closed: counts that change as each vote lands would let anyone watching match a vote to the
member who just said they voted; while it is open, only how many have voted shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.i18n import _

MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_QUESTION = 300
MAX_OPTION = 60  # a button's label on Discord is at most 80 characters
MIN_VOTERS = 3
DEFAULT_DAYS = 7
MAX_DAYS = 30

QUOTED = re.compile(r'^\s*["“„«»”]([^"“”„«»]+)["”“«»]\s*(.*)$', re.S)
ANONYMOUS = re.compile(r"(?:^|\s)anonymous\s*$", re.I)
LASTS = re.compile(r"(?:^|\s)for\s+(\d{1,4})\s*([hd])\s*$", re.I)


@dataclass(frozen=True)
class PollSpec:
    question: str
    options: tuple[str, ...]
    lasts: timedelta
    anonymous: bool


def parse_poll(text: str) -> PollSpec:
    """The poll a lead typed; ValueError (translated) says what is wrong."""
    quoted = QUOTED.match(text or "")
    if quoted is None:
        raise ValueError(
            _('put the question in double quotes, then the options: "Question?" a | b')
        )
    question, rest = " ".join(quoted.group(1).split()), quoted.group(2).strip()
    if not question:
        raise ValueError(_("write a question"))
    if len(question) > MAX_QUESTION:
        raise ValueError(
            _("a question is at most {n} characters, not {length}").format(
                n=MAX_QUESTION, length=len(question)
            )
        )
    lasts, anonymous = timedelta(days=DEFAULT_DAYS), False
    while True:  # `for 3d` and `anonymous` at the end, in either order
        if (flag := ANONYMOUS.search(rest)) is not None and not anonymous:
            rest, anonymous = rest[: flag.start()], True
        elif (given := LASTS.search(rest)) is not None:
            amount = int(given.group(1))
            hours = given.group(2).lower() == "h"
            lasts = timedelta(hours=amount) if hours else timedelta(days=amount)
            if not timedelta(hours=1) <= lasts <= timedelta(days=MAX_DAYS):
                raise ValueError(_("a poll lasts from 1h to {days}d").format(days=MAX_DAYS))
            rest = rest[: given.start()]
        else:
            break
    options = tuple(" ".join(o.split()) for o in rest.split("|"))  # one line each
    if any(not o for o in options) or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise ValueError(
            _("a poll has from {low} to {high} options, separated by |").format(
                low=MIN_OPTIONS, high=MAX_OPTIONS
            )
        )
    if too_long := [o for o in options if len(o) > MAX_OPTION]:
        raise ValueError(
            _("an option is at most {n} characters: {option}").format(
                n=MAX_OPTION, option=too_long[0][:MAX_OPTION] + "…"
            )
        )
    if len({o.casefold() for o in options}) != len(options):
        raise ValueError(_("each option once, please"))
    return PollSpec(question, options, lasts, anonymous)


def counts_shown(voters: int, anonymous: bool, closed: bool) -> bool:
    """Whether a poll's counts by option may be shown now (see the module's docstring)."""
    return voters >= MIN_VOTERS and (closed or not anonymous)
