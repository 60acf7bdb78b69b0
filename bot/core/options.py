"""Typed command options and the one parser every text surface uses (console, Telegram).

Discord receives options already typed, but still passes them through `Option.convert`, so a
rule such as "mood is 1 to 5" or "a note is at most 1,000 characters" lives in one place.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from bot.domain.dates import date_word, read_date
from bot.domain.quotes import quoted
from bot.i18n import _, ngettext

QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»"}
# Control characters (but newline and tab), bidi overrides and isolates, and lone surrogates:
# never useful in a command, able to garble how text is shown, and unstorable (surrogates).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean(text: str) -> str:
    return UNSAFE.sub("", text)


class ArgumentError(ValueError):
    """Bad input from a member; the dispatcher answers it with the command's usage line
    (`usage` names the verb's own line when the registry knows which verb was meant)."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.usage = usage


class Kind(StrEnum):
    INT = "int"  # a whole number, optionally within min..max
    WORD = "word"  # one token (double quotes allow spaces), optionally one of `choices`
    TAGS = "tags"  # comma-separated words from `choices`; skipped when the token is not tag-like
    DATE = "date"  # YYYY-MM-DD
    TEXT = "text"  # the rest of the line, verbatim


def normalise_token(token: str) -> str:
    """Full-width digits and letters become ASCII; case and surrounding space stop mattering."""
    return unicodedata.normalize("NFKC", token).strip().casefold()


@dataclass(frozen=True)
class Option:
    name: str
    kind: Kind
    description: str
    required: bool = False
    min: int | None = None
    max: int | None = None
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    check: Callable[[Any], Any] | None = field(default=None, compare=False)
    # Other words for the choices (the same feeling in every language Haven has a catalogue
    # for), as normalise_token leaves them: accepted and stored as the choice they stand for.
    aliases: Mapping[str, str] = field(default_factory=dict, compare=False)
    # How a choice is named to the member in an error (feelings in their language); None: as
    # it is typed (keywords such as on/off are the same in every language).
    shown: Callable[[str], str] | None = field(default=None, compare=False)
    # A text whose words have a form of their own shows it in the usage line instead.
    shape: str = ""

    def _named(self, choice: str) -> str:
        return self.shown(choice) if self.shown is not None else choice

    def _known(self) -> str:
        return ", ".join(self._named(choice) for choice in self.choices)

    @property
    def usage(self) -> str:
        if self.shape:
            return self.shape
        if self.kind is Kind.INT and self.min is not None and self.max is not None:
            inner = f"{self.name} {self.min}-{self.max}"
        elif self.kind is Kind.WORD and self.choices and len(self.choices) <= 4:
            inner = "|".join(self.choices)
        elif self.kind is Kind.TAGS:
            inner = f"{self.name},..."
        elif self.kind is Kind.DATE:
            inner = f"{self.name} YYYY-MM-DD"
        else:
            inner = self.name
        return f"<{inner}>" if self.required else f"[{inner}]"

    def looks_like(self, token: str) -> bool:
        """Only TAGS may be skipped: a first word of a note that is no feeling is the note."""
        if self.kind is not Kind.TAGS:
            return True
        words = normalise_token(token)
        if "," in words or words in self.choices or words in self.aliases:
            return True
        if len(words) > 2 * max(map(len, self.choices), default=0):
            return False  # far too long to be a near miss of any choice
        return _near(words, (*self.choices, *self.aliases))

    def convert(self, raw: Any) -> Any:
        """Turn one raw value into its typed value, or raise ArgumentError saying why."""
        value = self._convert(raw)
        if self.check is not None:
            try:
                value = self.check(value)
            except ValueError as exc:
                raise ArgumentError(str(exc)) from None
        return value

    def _convert(self, raw: Any) -> Any:
        if self.kind is Kind.INT:
            return self._int(raw)
        if self.kind is Kind.TAGS:
            return self._tags(raw)
        if self.kind is Kind.DATE:
            # 2026-01-10, or in words in any catalogue's language: "10 enero 2026".
            day = read_date(normalise_token(str(raw)))
            if day is not None:
                if not FIRST_YEAR <= day.year <= LAST_YEAR:
                    raise ArgumentError(
                        _("{option} must be between {first} and {last}, not {year}").format(
                            option=self.name, first=FIRST_YEAR, last=LAST_YEAR, year=day.year
                        )
                    )
                return day
            raise ArgumentError(
                _("{option} must be a date like 2026-01-10, not {value}").format(
                    option=self.name, value=quoted(raw)
                )
            )
        if self.kind is Kind.TEXT:
            text = str(raw).strip()
            if self.max_length is not None and len(text) > self.max_length:
                raise ArgumentError(
                    ngettext(
                        "{option} is {length} character; the limit is {limit}",
                        "{option} is {length} characters; the limit is {limit}",
                        len(text),
                    ).format(option=self.name, length=len(text), limit=self.max_length)
                )
            if text and not visible(text):
                raise ArgumentError(self._invisible())
            return text
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        if self.choices:
            folded = text.casefold()
            folded = self.aliases.get(folded, folded)
            if folded not in self.choices:
                raise ArgumentError(
                    _("{option} must be one of: {choices}").format(
                        option=self.name, choices=self._known()
                    )
                )
            return folded
        if not text:
            raise ArgumentError(_("{option} is empty").format(option=self.name))
        if not visible(text):
            raise ArgumentError(self._invisible())
        if self.max_length is not None and len(text) > self.max_length:
            raise ArgumentError(
                ngettext(
                    "{option} is longer than {limit} character",
                    "{option} is longer than {limit} characters",
                    self.max_length,
                ).format(option=self.name, limit=self.max_length)
            )
        return text

    def _invisible(self) -> str:
        return _("{option} has no visible characters").format(option=self.name)

    def _int(self, raw: Any) -> int:
        text = normalise_token(str(raw))
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ArgumentError(self._not_in_range(quoted(raw)))
        try:
            value = int(text)
        except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
            raise ArgumentError(self._not_in_range(too="long")) from None
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            if len(str(value)) > 20:
                raise ArgumentError(self._not_in_range(too="large"))
            raise ArgumentError(self._not_in_range(str(value)))
        if not -MAX_INT <= value <= MAX_INT:  # every id is a 64-bit integer in storage
            raise ArgumentError(self._not_in_range(too="large"))
        return value

    def _not_in_range(self, given: str = "", *, too: str = "") -> str:
        """Why a number was refused, as one whole sentence: `given` is the member's value as
        shown, or `too` says it is too "long" or too "large" to repeat."""
        ranged = self.min is not None and self.max is not None
        if too == "long":
            said = (
                _("{option} must be a whole number from {low} to {high}, not a number that long")
                if ranged
                else _("{option} must be a whole number, not a number that long")
            )
        elif too == "large":
            said = (
                _("{option} must be a whole number from {low} to {high}, not a number that large")
                if ranged
                else _("{option} must be a whole number, not a number that large")
            )
        else:
            said = (
                _("{option} must be a whole number from {low} to {high}, not {value}")
                if ranged
                else _("{option} must be a whole number, not {value}")
            )
        return said.format(option=self.name, low=self.min, high=self.max, value=given)

    def _tags(self, raw: Any) -> tuple[str, ...]:
        words = raw if isinstance(raw, list | tuple) else normalise_token(str(raw)).split(",")
        tags: list[str] = []
        for word in (normalise_token(w) for w in words):
            if not word:
                continue
            word = self.aliases.get(word, word)
            if word not in self.choices:
                # A near miss of a choice or of its word in another language ("cansacio").
                near = difflib.get_close_matches(word, [*self.choices, *self.aliases], n=1)
                hint = [self._named(self.aliases.get(w, w)) for w in near]
                said = (
                    _("unknown {option}: {value} (did you mean {suggestion}?). Known: {known}")
                    if hint
                    else _("unknown {option}: {value}. Known: {known}")
                )
                raise ArgumentError(
                    said.format(
                        option=self.name,
                        value=quoted(word),
                        suggestion=hint[0] if hint else "",
                        known=self._known(),
                    )
                )
            if word not in tags:
                tags.append(word)
        return tuple(tags)


MAX_INT = 2**63 - 1
FIRST_YEAR, LAST_YEAR = 1900, 2100  # dates members give (a milestone, a date of an event)
MAX_DATE_WORDS = 6  # "le 1 er janvier de 2026": the longest date in words read
INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Cs", "Co", "Cn"})


@lru_cache(maxsize=4096)
def _near(word: str, choices: tuple[str, ...]) -> bool:
    """A near miss of a choice ("tird"): remembered, since the first words of notes repeat
    and the comparison is the dearest step of parsing a check-in."""
    return bool(difflib.get_close_matches(word, choices, n=1, cutoff=0.85))


def visible(text: str) -> bool:
    """Whether a text shows anything: zero-width and other invisible characters alone do not."""
    return any(
        unicodedata.category(c) not in INVISIBLE and c not in "\u115f\u1160\u3164\uffa0\u2800"
        for c in text
    )


class Tokens:
    """Reads a line token by token; double quotes (straight or typographic) group words."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str | None:
        saved = self.pos
        try:
            return self.next()
        finally:
            self.pos = saved

    def next(self) -> str | None:
        self._skip_space()
        if self.pos >= len(self.text):
            return None
        opening = self.text[self.pos]
        if opening in QUOTES:
            end = self.text.find(QUOTES[opening], self.pos + 1)
            if end < 0:
                raise ArgumentError(_("a quote was opened but not closed"))
            token = self.text[self.pos + 1 : end]
            self.pos = end + 1
            return token
        start = self.pos
        while self.pos < len(self.text) and not self.text[self.pos].isspace():
            self.pos += 1
        return self.text[start : self.pos]

    def rest(self) -> str:
        self._skip_space()
        remainder = self.text[self.pos :]
        self.pos = len(self.text)
        return remainder.strip()


def parse_options(options: Sequence[Option], text: str) -> dict[str, Any]:
    """Parse `text` against `options` in order; a present token must parse (TAGS excepted)."""
    tokens = Tokens(clean(text))
    values: dict[str, Any] = {}
    for option in options:
        if option.kind is Kind.TEXT:
            remainder = tokens.rest()
            if remainder:
                values[option.name] = option.convert(remainder)
            elif option.required:
                raise ArgumentError(_("missing {usage}").format(usage=option.usage))
            continue
        try:
            token = tokens.peek()
        except ArgumentError:  # an unclosed quote is no tag list: leave it to the note
            if option.required or option.kind is not Kind.TAGS:
                raise
            continue
        if token is None or (not option.required and not option.looks_like(token)):
            if option.required:
                raise ArgumentError(_("missing {usage}").format(usage=option.usage))
            continue
        tokens.next()
        if option.kind is Kind.TAGS:
            token = _more_tags(tokens, token)
        elif option.kind is Kind.DATE:
            token = _more_date(tokens, token)
        values[option.name] = option.convert(token)
    extra = tokens.next()
    if extra is not None:
        raise ArgumentError(_("unexpected {value}").format(value=quoted(extra)))
    return values


def _more_date(tokens: Tokens, first: str) -> str:
    """A date in words spans several tokens ("10 de enero de 2026"): the words that may
    continue it belong to it, up to the longest date."""
    if read_date(first) is not None or not date_word(first):
        return first
    words = [first]
    while len(words) < MAX_DATE_WORDS:
        try:
            token = tokens.peek()
        except ArgumentError:
            break
        if token is None or not date_word(token):
            break
        words.append(token)
        tokens.next()
    return " ".join(words)


def _more_tags(tokens: Tokens, first: str) -> str:
    """A list written with spaces after its commas ("Tired, Anxious had a long day") is one
    list: a word after a trailing comma, or a word that starts with one, belongs to it."""
    parts = [first]
    while True:
        try:
            following = tokens.peek()
        except ArgumentError:
            break
        if following is None or not (parts[-1].endswith(",") or following.startswith(",")):
            break
        tokens.next()
        parts.append(following)
    return ",".join(parts)


def check_values(options: Sequence[Option], raw: dict[str, Any]) -> dict[str, Any]:
    """Validate already-typed values (Discord) through the same conversions as the text parser."""
    values: dict[str, Any] = {}
    known = {option.name for option in options}
    for name in raw:
        if name not in known:
            raise ArgumentError(_("unexpected option {name}").format(name=repr(name)))
    for option in options:
        value = raw.get(option.name)
        if isinstance(value, str):
            value = clean(value)
        if value is None or value == "":
            if option.required:
                raise ArgumentError(_("missing {usage}").format(usage=option.usage))
            continue
        values[option.name] = option.convert(value)
    return values
