"""Helpline text for a country, built only from the reviewed files held in memory.

Nothing here touches the database or the network: `/sos` and crisis replies must answer even
when both are down.
"""

from __future__ import annotations

from bot import i18n
from bot.catalog import INTERNATIONAL, Catalog, CountryLines, iso_countries
from bot.domain.quotes import quoted
from bot.i18n import _


class HelplineService:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def known_country(self, code: str) -> bool:
        return code.upper() in self.catalog.countries

    def country_name(self, code: str) -> str:
        """A country's name in the language of the request ("Alemania", "Deutschland")."""
        code = code.upper()
        if code == self.catalog.international.code:
            return _("International")
        return i18n.locale().territories.get(code) or self.catalog.countries.get(code, code)

    def lines(self, country: str | None) -> CountryLines:
        return self.catalog.lines_for(country)

    def describe(self, country: str | None, *, with_sources: bool = True) -> str:
        """Lines for the country; for a country we hold none for, the international directory."""
        found = self.catalog.lines_for(country)
        parts: list[str] = []
        if country and found.code != country.upper():
            parts.append(
                _(
                    "I don't have checked helplines for {country} yet. "
                    "These international directories list lines in your country:"
                ).format(country=self.country_name(country))
            )
        else:
            parts.append(_("Helplines in {country}:").format(country=self.country_name(found.code)))
        if found.emergency:
            parts.append(_("Emergency: call {number}").format(number=found.emergency))
        for line in found.lines:
            contacts = "; ".join(
                f"{c.how()} ({c.hours})" if c.hours else c.how() for c in line.contacts
            )
            parts.append(f"• {line.name}: {contacts}")
            if with_sources:
                checked = _("checked {date} against {source}")
                parts.append("  " + checked.format(date=line.verified_at, source=line.source))
        if found.code != self.catalog.international.code:
            directory = self.catalog.international.lines[0]
            link = directory.website or directory.source
            parts.append(_("Elsewhere: {name}, {link}").format(name=directory.name, link=link))
        return "\n".join(parts)


def check_country(value: str) -> str:
    """An ISO 3166 code (any case); `intl` asks for the international directories."""
    code = value.strip().upper()
    if code in (INTERNATIONAL, "INTERNATIONAL"):
        return INTERNATIONAL
    if len(code) != 2 or code not in iso_countries():
        said = _("unknown country code {code}; use two letters, like GB or US")
        raise ValueError(said.format(code=quoted(value, 12)))
    return code
