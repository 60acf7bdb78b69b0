"""Every text a member or lead reads, in their language: gettext catalogues, read with Babel.

English is the source: a text is written in English in the code, wrapped in `_()` (or
`ngettext()` when it counts something), and `data/locale/<language>.po` holds its translation.
Babel reads the `.po` files at start (no build step: a translator edits one file and restarts),
gives each language its own plural rules (Polish-style "few" and "many" forms included, were a
language to need them), and formats dates and numbers the local way.

Which language a request is answered in is chosen once per request (`bot/services/people.py`
`language`: the member's own setting, else what their platform reports, else their group's,
else `bot.language`) and set here for the time the request is handled (`use`), so a command's
code just calls `_()`. A context variable carries it, so concurrent requests never see each
other's language. Group posts take the group's language the same way (`use(community)`).

A text with no translation in a language is shown in English, never as an empty line;
`tests/unit/test_catalogues.py` keeps every catalogue complete and its placeholders matched.
"""

from __future__ import annotations

import contextlib
import functools
import io
import unicodedata
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from bot import DATA_DIR
from bot.domain.quotes import quoted

LOCALE_DIR = DATA_DIR / "locale"
SOURCE = "en"
LANGUAGES = ("en", "es", "de", "fr", "pt_BR")  # every catalogue, the source first
# The languages members and groups are answered in. A language is offered once every text is
# in its catalogue (tests/unit/test_catalogues.py) and its data and safety texts are complete:
# until then a member whose platform reports it would get half their answers in English, so a
# new language is built and tested before it is added here.
OFFERED = LANGUAGES
# A platform's bare language code and the catalogue that serves it ("pt" on Telegram is most
# often Brazilian Portuguese; "pt-PT" gets it too rather than English).
NEAREST = {"pt": "pt_BR"}

_current: ContextVar[str] = ContextVar("haven_language", default=SOURCE)


def supported(code: str | None, offered: tuple[str, ...] | None = None) -> str | None:
    """The catalogue for a language code as a member, a platform or a lead gives it ("es",
    "es-419", "pt-BR", "de_AT", "PT"), or None when Haven does not speak it (yet)."""
    if not code or not code.strip():
        return None
    try:
        locale = Locale.parse(code.strip().replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    offered = OFFERED if offered is None else offered
    full = f"{locale.language}_{locale.territory}" if locale.territory else locale.language
    for candidate in (full, locale.language, NEAREST.get(locale.language)):
        if candidate in offered:
            return candidate
    return None


@functools.cache
def translations(language: str) -> NullTranslations:
    """The language's catalogue, read once; English (the source) needs none."""
    if language == SOURCE:
        return NullTranslations()
    path = LOCALE_DIR / f"{language}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry is not yet reviewed
    compiled.seek(0)
    return Translations(compiled)


def language() -> str:
    """The language of the request being handled."""
    return _current.get()


@contextlib.contextmanager
def use(chosen: str | None) -> Iterator[str]:
    """Answer in `chosen` (a catalogue name, or None for the source) inside the block."""
    token = _current.set(chosen if chosen in LANGUAGES else SOURCE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """`message` (English, the source) in the current language."""
    return translations(_current.get()).gettext(message)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, as meant in `context` ("feeling": "calm" the feeling,
    not the verb): the same English word may need other words elsewhere."""
    return translations(_current.get()).pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` in the current language (its own plural rules)."""
    return translations(_current.get()).ngettext(singular, plural, n)


def locale() -> Locale:
    """Babel's locale of the current language, for dates and numbers. Haven's English is
    British English ("3 Dec 2026", "Thu 3 Dec"), as its texts are."""
    current = _current.get()
    return Locale.parse("en_GB" if current == SOURCE else current)


def day(value: date, form: str = "medium") -> str:
    """A date the local way: "3 Dec 2026", "3 dic 2026", "03.12.2026". `form` is Babel's
    ("short", "medium", "long", "full") or a skeleton such as "MMMEd" (weekday, day, month),
    "MMMd" (day and month) or "yMMMd", which Babel orders and spells for the language."""
    if form in ("short", "medium", "long", "full"):
        return babel_dates.format_date(value, form, locale=locale())
    return babel_dates.format_skeleton(form, value, locale=locale())


def moment(value: datetime, form: str = "MMMEd") -> str:
    """A date and time of day the local way, in `value`'s own time zone (convert it to the
    member's first): "Thu, Dec 3, 18:00", "jue, 3 dic, 18:00". `form` is the date's part, as
    for `day`; the time is on the 24-hour clock Haven uses everywhere, joined as the language
    joins them."""
    joined = locale().datetime_formats["medium"]
    pattern = joined.format if isinstance(joined, str) else joined.pattern.format
    return pattern(
        babel_dates.format_time(value, "HH:mm", locale=locale()), day(value.date(), form)
    )


def weekday(index: int, width: str = "wide") -> str:
    """The name of a weekday (0 Monday) in the current language: "Monday", "lunes"."""
    return locale().days["format"][width][index]


def number(value: float, decimals: int | None = None) -> str:
    """A number the local way: "1,234.5", "1.234,5", "1 234,5"."""
    if decimals is None:
        return babel_numbers.format_decimal(value, locale=locale())
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    # Rounded as Python rounds for f"{x:.1f}" (Babel would round the decimal text half to
    # even: 2.45 to "2.4"), so every language shows the same figure English always showed.
    rounded = round(value, decimals)
    return babel_numbers.format_decimal(rounded, format=pattern, locale=locale())


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / f"{language}.po"


def N_(message: str) -> str:
    """Marks a text kept in a constant for the catalogue; `_()` translates it where it is used."""
    return message


def name_of(language: str) -> str:
    """A language's own name, in the current language ("Spanish", "Spanisch")."""
    return Locale.parse(language).get_display_name(locale()) or language


def check_language(value: str) -> str:
    """A language a member or lead asks for: a catalogue name, or "auto" (not chosen)."""
    if value.strip().casefold() in ("auto", "default"):
        return "auto"
    chosen = supported(value)
    if chosen is not None:
        return chosen
    offered = ", ".join(f"{name_of(code)} ({code})" for code in OFFERED)
    coming = supported(value, LANGUAGES)
    if coming is not None:
        raise ValueError(
            _("{language} is still being translated; Haven speaks {offered} so far").format(
                language=name_of(coming), offered=offered
            )
        )
    raise ValueError(
        _("{value} is not a language Haven speaks; it speaks {offered}").format(
            value=quoted(value, 20), offered=offered
        )
    )


def NC_(context: str, message: str) -> str:
    """Marks a text with its context for the catalogue; `pgettext()` translates it where used."""
    return message


def folded(word: str) -> str:
    """A word as members may type it: width, case and accents not mattering ("Solidão",
    "solidao")."""
    word = unicodedata.normalize("NFKC", word).casefold().strip()
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def words_for(context: str, canonical: Iterable[str]) -> dict[str, str]:
    """Every catalogue's word for each of `canonical` (marked with NC_(context, ...)), with and
    without accents, to the canonical (English) word it stands for: what members type is
    understood in any language Haven has. A word two canonical words share somewhere is left
    out rather than guessed, and so is a canonical word itself."""
    wanted = tuple(canonical)
    seen: dict[str, set[str]] = {}
    for language in LANGUAGES:
        with use(language):
            for word in wanted:
                shown = unicodedata.normalize("NFKC", pgettext(context, word)).casefold().strip()
                for form in {shown, folded(shown)}:
                    seen.setdefault(form, set()).add(word)
    return {
        form: next(iter(meant))
        for form, meant in seen.items()
        if len(meant) == 1 and form not in wanted and " " not in form
    }
