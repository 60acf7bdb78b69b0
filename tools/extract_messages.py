"""Gathers every text marked for translation (`_()`, `N_()`, `ngettext()`, `pgettext()`,
`NC_()`) from the code into data/locale/haven.pot, and brings each language's catalogue
(data/locale/<language>.po) up to date with it: new texts are added untranslated, texts gone
from the code are dropped, and a changed text keeps its old translation marked fuzzy (not
shown until a translator reviews it).

Run after changing texts: `python tools/extract_messages.py`. A translator then fills in the
empty and fuzzy entries of their language; `tests/unit/test_catalogues.py` says what is
missing. To add a language: add its code to bot/i18n.py LANGUAGES, run this, translate.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.i18n import LANGUAGES, LOCALE_DIR, SOURCE  # noqa: E402

FOLDERS = ("bot", "commands", "adapters")
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NC_": ((1, "c"), 2),
}


def template() -> Catalog:
    """Every marked text of the code, with where it is used."""
    catalog = Catalog(project="Haven", charset="utf-8")
    for folder in FOLDERS:
        found = extract_from_dir(ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS)
        for filename, lineno, message, comments, context in found:
            catalog.add(
                message,
                locations=[(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def main() -> None:
    pot = template()
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    with (LOCALE_DIR / "haven.pot").open("wb") as out:
        write_po(out, pot, width=100, omit_header=True, include_lineno=False)
    for language in LANGUAGES:
        if language == SOURCE:
            continue
        path = LOCALE_DIR / f"{language}.po"
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="Haven", charset="utf-8")
        catalog.update(pot)
        with path.open("wb") as out:
            write_po(out, catalog, width=100, ignore_obsolete=True, include_lineno=False)
        missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
        print(f"{language}: {len(catalog)} texts, {len(missing)} to translate or review")


if __name__ == "__main__":
    main()
